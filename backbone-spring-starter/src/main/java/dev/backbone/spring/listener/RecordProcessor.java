package dev.backbone.spring.listener;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import dev.backbone.spring.observation.ProcessObservationContext;
import dev.backbone.spring.serde.PayloadDeserializationException;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Handles fetched records for one listener: reads them, invokes the method with retries and exponential backoff,
 * and dead-letters what still fails. A record that cannot be read is dead-lettered at once, never retried. The
 * outcome tells the container whether the record may be committed.
 *
 * <p>Thread-safe if the listener method is; the container calls it from its member threads.
 */
public final class RecordProcessor {

    private static final Log log = LogFactory.getLog(RecordProcessor.class);

    private static final long SLEEP_SLICE_MILLIS = 50;

    /** Whether the record was handled (commit it) or given up on because the container stops or lost it. */
    public enum Outcome {
        HANDLED,
        ABORTED
    }

    private final String listenerId;

    private final String group;

    private final ListenerMethodAdapter adapter;

    private final ListenerSettings settings;

    private final DeadLetterPublisher deadLetters;

    private final ListenerMetrics metrics;

    private final ObservationRegistry observations;

    public RecordProcessor(String listenerId, String group, ListenerMethodAdapter adapter, ListenerSettings settings,
                           DeadLetterPublisher deadLetters, ListenerMetrics metrics,
                           ObservationRegistry observations) {
        this.listenerId = listenerId;
        this.group = group;
        this.adapter = adapter;
        this.settings = settings;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.observations = observations;
    }

    public ListenerMethodAdapter adapter() {
        return adapter;
    }

    /**
     * Handles one record.
     *
     * @param raw        the record
     * @param keepGoing  false once the container stops or the partition was revoked: waiting ends, the record is
     *                   not committed
     * @return the outcome
     */
    public Outcome process(RawRecord raw, BooleanSupplier keepGoing) {
        Object payload;
        try {
            payload = adapter.readPayload(raw);
        } catch (PayloadDeserializationException e) {
            metrics.failed(listenerId, raw.topic());
            Instant now = Instant.now();
            return deadLetter(List.of(raw), FailureEnvelope.of(e, 1, now, now), keepGoing);
        }
        return invokeWithRetries(List.of(raw), () -> invokeObserved(raw, payload), keepGoing);
    }

    /**
     * Handles the records of one partition in one call of a list-taking method. Records that cannot be read are
     * dead-lettered first; if the call keeps failing, every record of the list is dead-lettered.
     *
     * @param raws      the records, in offset order
     * @param keepGoing as for {@link #process}
     * @return the outcome for the whole list
     */
    public Outcome processBatch(List<RawRecord> raws, BooleanSupplier keepGoing) {
        List<BackboneRecord<Object>> records = new ArrayList<>(raws.size());
        List<RawRecord> readable = new ArrayList<>(raws.size());
        for (RawRecord raw : raws) {
            try {
                records.add(adapter.read(raw));
                readable.add(raw);
            } catch (PayloadDeserializationException e) {
                metrics.failed(listenerId, raw.topic());
                Instant now = Instant.now();
                if (deadLetter(List.of(raw), FailureEnvelope.of(e, 1, now, now), keepGoing) == Outcome.ABORTED) {
                    return Outcome.ABORTED;
                }
            }
        }
        if (records.isEmpty()) {
            return Outcome.HANDLED;
        }
        return invokeWithRetries(readable, () -> adapter.invokeBatch(records), keepGoing);
    }

    private interface Invocation {
        void run() throws Exception;
    }

    private Outcome invokeWithRetries(List<RawRecord> raws, Invocation invocation, BooleanSupplier keepGoing) {
        String topic = raws.get(0).topic();
        Instant firstFailure = null;
        for (int failures = 0; ; ) {
            try {
                invocation.run();
                raws.forEach(r -> metrics.consumed(listenerId, topic));
                return Outcome.HANDLED;
            } catch (Exception e) {
                failures++;
                metrics.failed(listenerId, topic);
                Instant now = Instant.now();
                firstFailure = firstFailure == null ? now : firstFailure;
                if (!settings.backoff().retriesAfter(failures)) {
                    log.warn("Listener " + listenerId + " failed " + failures + " times on " + describe(raws)
                            + "; dead-lettering", e);
                    return deadLetter(raws, FailureEnvelope.of(e, failures, firstFailure, now), keepGoing);
                }
                log.debug("Listener " + listenerId + " failed on " + describe(raws) + ", attempt " + failures, e);
                if (!sleep(settings.backoff().backoffAfter(failures), keepGoing)) {
                    return Outcome.ABORTED;
                }
            }
        }
    }

    private void invokeObserved(RawRecord raw, Object payload) throws Exception {
        if (observations.isNoop()) {
            // Even a no-op observation opens a scope (a thread-local look-up) per call: without a registry that
            // observes, a listener pays nothing per record.
            adapter.invoke(raw, payload);
            return;
        }
        Observation observation = Observation.createNotStarted(ProcessObservationContext.NAME,
                () -> new ProcessObservationContext(listenerId, raw.topic(), raw.headerText()), observations)
                .start();
        try (Observation.Scope scope = observation.openScope()) {
            adapter.invoke(raw, payload);
        } catch (Exception | Error e) {
            observation.error(e);
            throw e;
        } finally {
            observation.stop();
        }
    }

    private Outcome deadLetter(List<RawRecord> raws, FailureEnvelope envelope, BooleanSupplier keepGoing) {
        if (!settings.deadLetterEnabled()) {
            log.error("Listener " + listenerId + " skips " + describe(raws) + " after " + envelope.attempts()
                    + " attempts (dead-lettering is off): " + envelope.rootCauseType() + ": "
                    + envelope.rootCauseMessage());
            return Outcome.HANDLED;
        }
        for (RawRecord raw : raws) {
            int failures = 0;
            while (true) {
                try {
                    deadLetters.send(raw, group, envelope);
                    metrics.deadLettered(listenerId, raw.topic());
                    break;
                } catch (Exception e) {
                    failures++;
                    log.warn("Could not dead-letter " + describe(List.of(raw)) + " to "
                            + deadLetters.deadLetterTopic(raw.topic()) + " (attempt " + failures + "); retrying", e);
                    if (!sleep(settings.backoff().backoffAfter(failures), keepGoing)) {
                        return Outcome.ABORTED;
                    }
                }
            }
        }
        return Outcome.HANDLED;
    }

    private static boolean sleep(Duration duration, BooleanSupplier keepGoing) {
        long deadline = System.nanoTime() + duration.toNanos();
        while (keepGoing.getAsBoolean()) {
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMillis <= 0) {
                return true;
            }
            try {
                Thread.sleep(Math.min(remainingMillis, SLEEP_SLICE_MILLIS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private static String describe(List<RawRecord> raws) {
        RawRecord first = raws.get(0);
        return first.topic() + "-" + first.partition() + "@" + first.offset()
                + (raws.size() > 1 ? " (+" + (raws.size() - 1) + " records)" : "");
    }
}
