package dev.backbone.server.http.stream;

/**
 * How much of a streaming produce's answer is kept for retries under an {@code Idempotency-Key}.
 *
 * @param maxAnswerBytes the most answer bytes kept per key (about 28 bytes per record)
 */
public record NdjsonAnswerLimit(int maxAnswerBytes) {

    public NdjsonAnswerLimit {
        if (maxAnswerBytes < 0) {
            throw new IllegalArgumentException("maxAnswerBytes must be >= 0, was " + maxAnswerBytes);
        }
    }
}
