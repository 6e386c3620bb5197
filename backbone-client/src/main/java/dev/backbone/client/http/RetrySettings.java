package dev.backbone.client.http;

import java.time.Duration;
import java.util.Objects;

/**
 * How the client repeats a request that failed in transit (connection refused or cut, a timeout) or with a
 * 503 {@code unavailable} or 500 {@code internal-error} answer. Only requests that are safe to repeat are
 * retried: reads, and writes the broker recognises as repeats (idempotent producer batches, produces with an
 * {@code Idempotency-Key}, key stream appends with an expected version, commits). See {@code docs/CLIENT.md}.
 *
 * <p>The wait before attempt {@code n + 1} is {@code initialBackoff * multiplier^(n - 1)}, capped at
 * {@code maxBackoff}, of which a random 0 to 50% is taken off so clients that failed together do not come
 * back together. Immutable.
 *
 * @param maxAttempts    the most attempts in total, the first included; 1 means no retry
 * @param initialBackoff the wait before the first retry
 * @param maxBackoff     the longest wait between two attempts
 * @param multiplier     how much each wait grows over the previous one, at least 1
 */
public record RetrySettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier) {

    /** One attempt, no retry. */
    public static final RetrySettings NONE = new RetrySettings(1, Duration.ZERO, Duration.ZERO, 1.0);

    /**
     * Five attempts, 100 ms doubling up to 2 s: about 1.5 s of waiting in all, enough for a dropped connection or
     * a brief hiccup. A client that must ride out a broker restart needs more attempts (the restart takes seconds).
     */
    public static final RetrySettings DEFAULT =
            new RetrySettings(5, Duration.ofMillis(100), Duration.ofSeconds(2), 2.0);

    public RetrySettings {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoff must satisfy 0 <= initialBackoff <= maxBackoff, got "
                    + initialBackoff + " and " + maxBackoff);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be a finite number >= 1, got " + multiplier);
        }
    }

    /** The wait before the retry that follows failed attempt {@code attempt} (1-based), before jitter. */
    public Duration backoff(int attempt) {
        double millis = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        return Duration.ofMillis((long) Math.min(millis, maxBackoff.toMillis()));
    }
}
