package dev.backbone.server.http;

import java.time.Duration;

/**
 * Size and time limits of the HTTP API.
 *
 * @param maxRecordBytes   the largest record (key, value and headers) a produce accepts
 * @param maxBatchBytes    the largest record batch; the default {@code max.message.bytes} of topics
 * @param maxRequestBytes  the largest produce request body
 * @param defaultFetchBytes the {@code maxBytes} of a consume that names none
 * @param maxFetchBytes    the most bytes one consume answer carries (a larger {@code maxBytes} is lowered to it)
 * @param maxWait          the longest a long poll waits, whatever {@code maxWaitMs} asks
 */
public record HttpLimits(int maxRecordBytes, int maxBatchBytes, int maxRequestBytes, int defaultFetchBytes,
                         int maxFetchBytes, Duration maxWait) {

    public HttpLimits {
        if (maxRecordBytes < 1 || maxBatchBytes < 1 || maxRequestBytes < 1 || defaultFetchBytes < 1
                || maxFetchBytes < 1) {
            throw new IllegalArgumentException("every limit must be positive: " + maxRecordBytes + ", "
                    + maxBatchBytes + ", " + maxRequestBytes + ", " + defaultFetchBytes + ", " + maxFetchBytes);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, was " + maxWait);
        }
    }
}
