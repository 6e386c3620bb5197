package dev.backbone.client.http;

import java.time.Duration;

/** 429: the client sent more than its quota allows; wait {@link #retryAfter()} before the next request. */
public class QuotaExceededException extends BackboneProblemException {

    private final Duration retryAfter;

    public QuotaExceededException(Problem problem, Duration retryAfter) {
        super(problem);
        this.retryAfter = retryAfter;
    }

    /** The broker's {@code Retry-After}, or null when it named none. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
