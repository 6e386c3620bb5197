package dev.backbone.spring.listener;

import java.time.Duration;

/**
 * How often a failing listener invocation is tried and how long to wait in between: exponential backoff capped at
 * a maximum.
 *
 * @param maxAttempts    most invocations for one record, the first included (at least 1)
 * @param initialBackoff wait after the first failure
 * @param multiplier     growth of the wait per failure (at least 1)
 * @param maxBackoff     longest wait
 */
public record BackoffPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff) {

    public BackoffPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
        }
        if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
            throw new IllegalArgumentException("backoffs must not be negative: " + initialBackoff + ", " + maxBackoff);
        }
    }

    /**
     * Whether another attempt follows after this many failures.
     *
     * @param failures failed attempts so far
     * @return true while attempts remain
     */
    public boolean retriesAfter(int failures) {
        return failures < maxAttempts;
    }

    /**
     * The wait after a number of failures.
     *
     * @param failures failed attempts so far (at least 1)
     * @return initialBackoff * multiplier^(failures-1), capped at maxBackoff
     */
    public Duration backoffAfter(int failures) {
        double millis = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, failures - 1));
        return millis >= maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis((long) millis);
    }
}
