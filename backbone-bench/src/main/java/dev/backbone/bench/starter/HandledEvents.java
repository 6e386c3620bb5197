package dev.backbone.bench.starter;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.HdrHistogram.Recorder;

/**
 * What the no-op listener of a load run saw: how many events, when the first and the last arrived, and (once a
 * recorder is set) each timed event's publish-to-listener latency in microseconds. One per JVM: a load run has one
 * listener method, whichever framework calls it.
 *
 * <p>Thread-safe (atomics; the HdrHistogram recorder takes concurrent writers).
 */
final class HandledEvents {

    static final AtomicLong HANDLED = new AtomicLong();

    static final AtomicLong FIRST_NANOS = new AtomicLong();

    static final AtomicLong LAST_NANOS = new AtomicLong();

    static final AtomicReference<Recorder> LATENCY = new AtomicReference<>();

    private HandledEvents() {
    }

    /** Notes one event handled now. */
    static void handled(BenchEvent event) {
        long now = System.nanoTime();
        FIRST_NANOS.compareAndSet(0, now);
        Recorder recorder = LATENCY.get();
        if (recorder != null && event.sentNanos() > 0) {
            recorder.recordValue(Math.max(0, now - event.sentNanos()) / 1_000);
        }
        HANDLED.incrementAndGet();
        LAST_NANOS.set(now);
    }
}
