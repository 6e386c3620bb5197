package dev.backbone.bench.load;

import dev.backbone.client.batch.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Request bodies of a given record size, filled from a seeded generator so runs are repeatable.
 *
 * <p>Binary values are random bytes; JSON values are JSON strings of letters whose stored text (with its
 * quotes) is exactly the record size, since the broker stores a JSON value as its UTF-8 text.
 * Thread safety: not thread-safe; each worker owns one.
 */
public final class Payloads {

    private static final char[] LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
            .toCharArray();

    private final Random random;
    private final int recordSize;

    public Payloads(long seed, int recordSize) {
        if (recordSize < 2) {
            throw new IllegalArgumentException("recordSize must be >= 2, was " + recordSize);
        }
        this.random = new Random(seed);
        this.recordSize = recordSize;
    }

    public int recordSize() {
        return recordSize;
    }

    /** One v2 batch of {@code count} unkeyed records of {@code recordSize} random bytes. */
    public byte[] binaryBatch(int count) {
        RecordBatchBuilder builder = new RecordBatchBuilder();
        long now = System.currentTimeMillis();
        for (int i = 0; i < count; i++) {
            byte[] value = new byte[recordSize];
            random.nextBytes(value);
            builder.add(now, null, value, List.of());
        }
        return toArray(builder.build());
    }

    /** A binary batch holding exactly the given values. */
    public static byte[] binaryBatch(List<byte[]> values) {
        RecordBatchBuilder builder = new RecordBatchBuilder();
        long now = System.currentTimeMillis();
        for (byte[] value : values) {
            builder.add(now, null, value, List.of());
        }
        return toArray(builder.build());
    }

    /** A JSON produce body of {@code count} records whose values are strings of {@code recordSize - 2} letters. */
    public byte[] jsonBody(int count) {
        StringBuilder body = new StringBuilder(count * (recordSize + 16) + 16).append("{\"records\":[");
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                body.append(',');
            }
            body.append("{\"value\":\"");
            for (int c = 0; c < recordSize - 2; c++) {
                body.append(LETTERS[random.nextInt(LETTERS.length)]);
            }
            body.append("\"}");
        }
        return body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A JSON produce body holding exactly the given values, which must already be JSON text. */
    public static byte[] jsonBody(List<String> jsonValues) {
        StringBuilder body = new StringBuilder().append("{\"records\":[");
        for (int i = 0; i < jsonValues.size(); i++) {
            body.append(i > 0 ? "," : "").append("{\"value\":").append(jsonValues.get(i)).append('}');
        }
        return body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Random letters, for padding values to a size. */
    public String letters(int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = LETTERS[random.nextInt(LETTERS.length)];
        }
        return new String(chars);
    }

    public byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
