package dev.backbone.bench.load;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * The send time carried inside a record's value, so the consumer of an end-to-end run can measure latency.
 *
 * <p>Both ends run in one JVM, so the stamp is a {@link System#nanoTime()} value: the time the record was
 * due to be sent by the fixed-rate schedule. A run id in front makes records of other runs (or other
 * producers) in the same topic ignorable. Binary layout: {@code runId int64, dueNanos int64, padding};
 * JSON: the string {@code "<runId>:<dueNanos>:<padding>"}. Stateless; thread-safe.
 */
public final class LatencyStamp {

    /** The smallest binary value that carries a stamp. */
    public static final int BINARY_SIZE = 16;

    private LatencyStamp() {
    }

    /**
     * A positive run id whose first byte is 1: a binary value can then never be taken for JSON text, which
     * starts with a quote.
     */
    public static long newRunId(java.util.Random random) {
        return (random.nextLong() & 0x00FF_FFFF_FFFF_FFFFL) | 0x0100_0000_0000_0000L;
    }

    public static byte[] binary(long runId, long dueNanos, byte[] padding) {
        return ByteBuffer.allocate(BINARY_SIZE + padding.length).putLong(runId).putLong(dueNanos).put(padding)
                .array();
    }

    /** A JSON string value (with quotes) carrying the stamp; {@code padding} must be plain letters. */
    public static String json(long runId, long dueNanos, String padding) {
        return "\"" + runId + ":" + dueNanos + ":" + padding + "\"";
    }

    /** The due time in a stored value written by either form, if it belongs to {@code runId}. */
    public static OptionalLong read(long runId, byte[] value) {
        if (value == null) {
            return OptionalLong.empty();
        }
        if (value.length > 0 && value[0] == '"') {
            return readJson(runId, new String(value, StandardCharsets.UTF_8));
        }
        if (value.length < BINARY_SIZE) {
            return OptionalLong.empty();
        }
        ByteBuffer buffer = ByteBuffer.wrap(value);
        return buffer.getLong(0) == runId ? OptionalLong.of(buffer.getLong(8)) : OptionalLong.empty();
    }

    private static OptionalLong readJson(long runId, String text) {
        int first = text.indexOf(':');
        int second = first < 0 ? -1 : text.indexOf(':', first + 1);
        if (second < 0) {
            return OptionalLong.empty();
        }
        try {
            if (Long.parseLong(text.substring(1, first)) != runId) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(Long.parseLong(text.substring(first + 1, second)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
