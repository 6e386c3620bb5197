package dev.backbone.bench.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed-rate schedule: operation {@code n} is due at {@code start + n / rate}.
 *
 * <p>The due time is computed from the operation's number, not from the previous send, so a slow
 * response never shifts the schedule (no drift) and latencies measured from the due time include the
 * time an operation waited behind a slow one (no coordinated omission).
 *
 * <p>Thread safety: not thread-safe; one sending thread owns it.
 */
public final class RateLimiter {

    private final long startNanos;
    private final double nanosPerOperation;
    private long next;

    public RateLimiter(double operationsPerSecond, long startNanos) {
        if (!(operationsPerSecond > 0) || Double.isInfinite(operationsPerSecond)) {
            throw new IllegalArgumentException("rate must be a positive number, was " + operationsPerSecond);
        }
        this.startNanos = startNanos;
        this.nanosPerOperation = TimeUnit.SECONDS.toNanos(1) / operationsPerSecond;
    }

    /** When operation {@code n} (counting from 0) is due. */
    public long dueNanos(long n) {
        return startNanos + Math.round(n * nanosPerOperation);
    }

    /** The number of the next operation to send. */
    public long nextOperation() {
        return next;
    }

    /** Takes the next operation's due time without waiting. */
    public long takeNext() {
        return dueNanos(next++);
    }

    /** How many operations are due but not yet taken at {@code nowNanos}: a lag the report shows. */
    public long backlog(long nowNanos) {
        if (nowNanos < startNanos) {
            return 0;
        }
        long due = (long) Math.floor((nowNanos - startNanos) / nanosPerOperation) + 1;
        return Math.max(0, due - next);
    }

    /** Parks until the next operation is due, then takes it and returns its due time. */
    public long awaitNext() {
        long due = takeNext();
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
        return due;
    }
}
