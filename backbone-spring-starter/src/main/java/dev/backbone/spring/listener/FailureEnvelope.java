package dev.backbone.spring.listener;

import java.time.Instant;

/**
 * What a dead-letter record says about why it is there, in one JSON header ({@code dlt-failure}) that is replaced,
 * never stacked, when a record is dead-lettered again.
 *
 * @param rootCauseType    class name of the innermost cause of the last failure
 * @param rootCauseMessage its message, or null
 * @param attempts         how many times the record was tried (1 for a record that could not be read)
 * @param firstFailureTime when the first attempt failed
 * @param lastFailureTime  when the last attempt failed
 */
public record FailureEnvelope(String rootCauseType, String rootCauseMessage, int attempts, Instant firstFailureTime,
                              Instant lastFailureTime) {

    /**
     * An envelope for a failure.
     *
     * @param failure   the last failure
     * @param attempts  attempts made
     * @param first     time of the first failure
     * @param last      time of the last failure
     * @return the envelope naming the root cause
     */
    public static FailureEnvelope of(Throwable failure, int attempts, Instant first, Instant last) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new FailureEnvelope(root.getClass().getName(), root.getMessage(), attempts, first, last);
    }
}
