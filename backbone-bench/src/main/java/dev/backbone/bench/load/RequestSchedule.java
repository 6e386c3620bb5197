package dev.backbone.bench.load;

import java.util.concurrent.locks.LockSupport;

/**
 * Hands out a produce run's requests to its workers: which records each carries, and, at a fixed rate, when it is
 * due. Without a rate a request is due when taken.
 *
 * <p>Thread safety: thread-safe; workers take requests concurrently.
 */
final class RequestSchedule {

    private final long records;
    private final int batchSize;
    private final RateLimiter limiter;
    private long claimed;

    /** @param limiter the fixed rate's schedule, or null for as fast as the workers go */
    RequestSchedule(long records, int batchSize, RateLimiter limiter) {
        this.records = records;
        this.batchSize = batchSize;
        this.limiter = limiter;
    }

    /** The next request, or null once every record is claimed. */
    synchronized Request next() {
        if (claimed >= records) {
            return null;
        }
        int count = (int) Math.min(batchSize, records - claimed);
        claimed += count;
        return new Request(count, limiter == null ? Long.MIN_VALUE : limiter.takeNext());
    }

    /**
     * One request to send.
     *
     * @param records  records it carries
     * @param dueNanos when it is due ({@link System#nanoTime}), or {@link Long#MIN_VALUE} for now
     */
    record Request(int records, long dueNanos) {

        /** Parks until the request is due; returns the moment its latency counts from. */
        long awaitDue() {
            if (dueNanos == Long.MIN_VALUE) {
                return System.nanoTime();
            }
            for (long wait = dueNanos - System.nanoTime(); wait > 0; wait = dueNanos - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            return dueNanos;
        }
    }
}
