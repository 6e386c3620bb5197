package dev.backbone.bench.starter;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.HdrHistogram.Recorder;

/**
 * What the no-op listener of a load run saw: how many events, when the timed phase began (the event numbered
 * {@link #TIMED_FROM} arrived, the first unless a warm-up is asked for) and when the last arrived, and (once a
 * recorder is set) each timed event's publish-to-listener latency in microseconds. One per JVM: a load run has one
 * listener method, whichever framework calls it.
 *
 * <p>Thread-safe (atomics; the HdrHistogram recorder takes concurrent writers).
 */
final class HandledEvents {

    static final AtomicLong HANDLED = new AtomicLong();

    static final AtomicLong FIRST_NANOS = new AtomicLong();

    /** The number of the event whose arrival starts the timed phase; the ones before it are the warm-up. */
    static final AtomicLong TIMED_FROM = new AtomicLong(1);

    static final AtomicLong LAST_NANOS = new AtomicLong();

    static final AtomicReference<Recorder> LATENCY = new AtomicReference<>();

    /** When set, each event's arrival is noted in it as well. */
    static final AtomicReference<EventTrace> TRACE = new AtomicReference<>();

    private HandledEvents() {
    }

    /** Notes one event handled now. */
    static void handled(BenchEvent event) {
        EventTrace trace = TRACE.get();
        if (trace != null) {
            trace.handled(event.id(), System.nanoTime());
        }
        handled(event.sentNanos());
    }

    /** Notes one event handled now, published at {@code sentNanos} (0 when not timed). */
    static void handled(long sentNanos) {
        long now = System.nanoTime();
        Recorder recorder = LATENCY.get();
        if (recorder != null && sentNanos > 0) {
            recorder.recordValue(Math.max(0, now - sentNanos) / 1_000);
        }
        if (HANDLED.incrementAndGet() == TIMED_FROM.get()) {
            FIRST_NANOS.set(now);
        }
        LAST_NANOS.set(now);
    }
}
