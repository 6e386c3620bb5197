package dev.backbone.server.http.stream;

/**
 * One line of an NDJSON request body, without its line terminator.
 *
 * @param number   the 1-based line number within the body (blank lines count, so errors name the line an editor
 *                 shows)
 * @param bytes    the line's bytes; empty when {@code tooLong}
 * @param tooLong  the line was longer than the configured maximum and was not kept; it ends the stream
 */
public record NdjsonLine(long number, byte[] bytes, boolean tooLong) {

    static NdjsonLine of(long number, byte[] bytes) {
        return new NdjsonLine(number, bytes, false);
    }

    static NdjsonLine overLimit(long number) {
        return new NdjsonLine(number, new byte[0], true);
    }
}
