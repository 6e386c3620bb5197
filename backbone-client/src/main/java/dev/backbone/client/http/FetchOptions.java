package dev.backbone.client.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of one fetch.
 *
 * @param maxBytes the most bytes of batches in the answer (the broker always sends at least one whole batch);
 *                 0 takes the broker's default
 * @param maxWait  how long the broker may wait for a record when there is none yet (a long poll); zero answers
 *                 at once. The broker caps it ({@code backbone.long-poll.max-wait}).
 */
public record FetchOptions(int maxBytes, Duration maxWait) {

    /** The broker's default size, no wait. */
    public static final FetchOptions DEFAULT = new FetchOptions(0, Duration.ZERO);

    public FetchOptions {
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative, got " + maxBytes);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, got " + maxWait);
        }
    }

    /** The broker's default size, waiting up to {@code maxWait} for a record. */
    public static FetchOptions longPoll(Duration maxWait) {
        return new FetchOptions(0, maxWait);
    }
}
