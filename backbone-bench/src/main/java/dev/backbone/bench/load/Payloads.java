package dev.backbone.bench.load;

import dev.backbone.client.batch.CompressionCodec;
import dev.backbone.client.batch.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Request bodies of a given record size, filled from a seeded generator so runs are repeatable.
 *
 * <p>With {@link ValueKind#RANDOM}, binary values are random bytes and JSON values are JSON strings of letters
 * whose stored text (with its quotes) is exactly the record size, since the broker stores a JSON value as its
 * UTF-8 text. With {@link ValueKind#JSON_LIKE} both are the UTF-8 text of JSON event objects of the record size
 * (field names, identifiers, amounts and words, as real events hold), the payload for compression figures.
 * Binary batches are compressed with the codec given. Thread safety: not thread-safe; each worker owns one.
 */
public final class Payloads {

    private static final char[] LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
            .toCharArray();

    private static final String[] EVENT_TYPES = {"OrderPlaced", "OrderPaid", "OrderShipped", "OrderCancelled"};
    private static final String[] WORDS = {"express", "gift", "wrap", "fragile", "leave", "at", "door", "call",
        "before", "delivery", "second", "floor", "back", "entrance", "weekend", "only"};
    /** The smallest JSON-like value: the fixed fields and one item. */
    private static final int MIN_JSON_LIKE_SIZE = 192;

    private final Random random;
    private final int recordSize;
    private final ValueKind values;
    private final CompressionCodec compression;

    public Payloads(long seed, int recordSize) {
        this(seed, recordSize, ValueKind.RANDOM, CompressionCodec.NONE);
    }

    public Payloads(long seed, int recordSize, ValueKind values, CompressionCodec compression) {
        if (recordSize < 2) {
            throw new IllegalArgumentException("recordSize must be >= 2, was " + recordSize);
        }
        if (values == ValueKind.JSON_LIKE && recordSize < MIN_JSON_LIKE_SIZE) {
            throw new IllegalArgumentException("JSON-like values need recordSize >= " + MIN_JSON_LIKE_SIZE
                    + ", was " + recordSize);
        }
        this.random = new Random(seed);
        this.recordSize = recordSize;
        this.values = values;
        this.compression = compression;
    }

    public int recordSize() {
        return recordSize;
    }

    /** One v2 batch of {@code count} unkeyed records of {@code recordSize} bytes, compressed with the codec. */
    public byte[] binaryBatch(int count) {
        RecordBatchBuilder builder = new RecordBatchBuilder(compression);
        long now = System.currentTimeMillis();
        for (int i = 0; i < count; i++) {
            byte[] value;
            if (values == ValueKind.JSON_LIKE) {
                value = jsonLikeValue().getBytes(StandardCharsets.UTF_8);
            } else {
                value = new byte[recordSize];
                random.nextBytes(value);
            }
            builder.add(now, null, value, List.of());
        }
        return toArray(builder.build());
    }

    /** A JSON object of exactly {@code recordSize} ASCII characters, shaped like an order event. */
    public String jsonLikeValue() {
        StringBuilder json = new StringBuilder(recordSize)
                .append("{\"id\":\"").append(Long.toHexString(random.nextLong()))
                .append("\",\"type\":\"").append(EVENT_TYPES[random.nextInt(EVENT_TYPES.length)])
                .append("\",\"customer\":\"customer-").append(random.nextInt(100_000))
                .append("\",\"amount\":").append(random.nextInt(1_000_000))
                .append(",\"currency\":\"EUR\",\"items\":[");
        String tail = "],\"note\":\"\"}";
        for (int item = 0; item == 0 || json.length() + 64 + tail.length() < recordSize / 2; item++) {
            json.append(item == 0 ? "" : ",").append("{\"sku\":\"sku-").append(random.nextInt(10_000))
                    .append("\",\"quantity\":").append(1 + random.nextInt(9))
                    .append(",\"price\":").append(random.nextInt(50_000)).append('}');
        }
        json.append("],\"note\":\"");
        int noteEnd = recordSize - 2;
        while (json.length() < noteEnd) {
            String word = WORDS[random.nextInt(WORDS.length)];
            json.append(word, 0, Math.min(word.length(), noteEnd - json.length()));
            if (json.length() < noteEnd) {
                json.append(' ');
            }
        }
        return json.append("\"}").toString();
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

    /**
     * A JSON produce body of {@code count} records whose values are strings of {@code recordSize - 2} letters,
     * or JSON-like objects of {@code recordSize} characters.
     */
    public byte[] jsonBody(int count) {
        StringBuilder body = new StringBuilder(count * (recordSize + 16) + 16).append("{\"records\":[");
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                body.append(',');
            }
            if (values == ValueKind.JSON_LIKE) {
                body.append("{\"value\":").append(jsonLikeValue()).append('}');
                continue;
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
