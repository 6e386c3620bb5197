package dev.backbone.server.quota;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A rate limit as a token bucket, kept in one number: the instant (on a nanosecond clock) at which everything
 * charged so far is paid for at the configured rate (the "theoretical arrival time" of the generic cell rate
 * algorithm). A bucket whose instant lies in the past is full; one whose instant lies ahead is in debt.
 *
 * <p>A request is admitted while the debt is at most {@code burst}, whatever its own size: a single produce larger
 * than a second's worth of quota still goes through once, and then the principal waits until it is paid for. So
 * the long-run rate never exceeds the quota and nothing has to be split.
 *
 * <p>Thread safety: thread-safe and lock-free; admission is one compare-and-set on the common path.
 */
public final class TokenBucket {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final double nanosPerUnit;
    private final long burstNanos;
    private final AtomicLong paidUntil;

    /**
     * @param unitsPerSecond the sustained rate; positive
     * @param burstNanos     how far ahead of the clock the bucket may run before requests are refused: a full
     *                       bucket takes about {@code unitsPerSecond * burst} units at once
     * @param now            the clock's reading now
     */
    public TokenBucket(long unitsPerSecond, long burstNanos, long now) {
        if (unitsPerSecond < 1) {
            throw new IllegalArgumentException("a quota rate must be at least 1 per second, was " + unitsPerSecond);
        }
        if (burstNanos < 0) {
            throw new IllegalArgumentException("burst must not be negative, was " + burstNanos + " ns");
        }
        this.nanosPerUnit = (double) NANOS_PER_SECOND / unitsPerSecond;
        this.burstNanos = burstNanos;
        this.paidUntil = new AtomicLong(now);
    }

    /**
     * Admits and charges {@code units} when the bucket's debt is within the burst.
     *
     * @return 0 when admitted and charged; otherwise the nanoseconds until it would be admitted (nothing charged)
     */
    public long tryCharge(long units, long now) {
        long cost = cost(units);
        while (true) {
            long current = paidUntil.get();
            long excess = current - now - burstNanos;
            if (excess > 0) {
                return excess;
            }
            if (paidUntil.compareAndSet(current, Math.max(current, now) + cost)) {
                return 0;
            }
        }
    }

    /** Charges {@code units} whatever the debt: for work already done, such as an answer already sent. */
    public void charge(long units, long now) {
        long cost = cost(units);
        paidUntil.getAndUpdate(current -> Math.max(current, now) + cost);
    }

    /** The nanoseconds a request must wait before it would be admitted: 0 while the debt is within the burst. */
    public long excessNanos(long now) {
        return Math.max(0, paidUntil.get() - now - burstNanos);
    }

    /** Whether nothing is owed: such a bucket behaves exactly like a new one, so it may be forgotten. */
    public boolean isFull(long now) {
        return paidUntil.get() <= now;
    }

    private long cost(long units) {
        if (units < 0) {
            throw new IllegalArgumentException("units must not be negative, was " + units);
        }
        // Capped far beyond any real debt (about 3 years), so that adding it to a clock reading cannot overflow.
        return (long) Math.min(units * nanosPerUnit, (double) (Long.MAX_VALUE >> 4));
    }
}
