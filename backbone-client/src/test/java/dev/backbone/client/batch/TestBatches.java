package dev.backbone.client.batch;

import static dev.backbone.client.batch.RecordBatchDescriptor.ATTRIBUTES_OFFSET;
import static dev.backbone.client.batch.RecordBatchDescriptor.CRC_OFFSET;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded random record inputs and byte surgery on encoded batches, shared by the codec tests. */
final class TestBatches {

    /** What a producer hands the builder for one record. */
    record Input(long timestamp, byte[] key, byte[] value, List<Header> headers) {
    }

    /** Characters from one to four UTF-8 bytes, including a surrogate pair, never a lone surrogate. */
    private static final String[] HEADER_KEY_PARTS = {"a", "Z", "-", "_", "é", "ß", "€", "中", "😀", " "};

    private TestBatches() {
    }

    /**
     * Between 1 and {@code maxCount} records: null, empty, small and (rarely) large keys and values, zero to
     * four headers with null or binary values, timestamps that go backwards as well as forwards.
     *
     * @param kafkaSafe keep timestamps non-negative, which Kafka's builder insists on
     */
    static List<Input> randomInputs(Random random, int maxCount, boolean kafkaSafe) {
        int count = 1 + random.nextInt(maxCount);
        long base = kafkaSafe || random.nextInt(4) > 0 ? (random.nextLong() >>> 23) : random.nextLong();
        List<Input> inputs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long timestamp = base + random.nextInt(200_000) - 1_000;
            if (kafkaSafe) {
                timestamp = Math.max(0, timestamp);
            } else if (random.nextInt(50) == 0) {
                timestamp = random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
            }
            inputs.add(new Input(timestamp, randomBytes(random), randomBytes(random), randomHeaders(random)));
        }
        return inputs;
    }

    /** Between 1 and {@code maxCount} records with keys and JSON-like values that compress as real events do. */
    static List<Input> jsonLikeInputs(Random random, int maxCount) {
        int count = 1 + random.nextInt(maxCount);
        long base = 1_700_000_000_000L + random.nextInt(1_000_000);
        List<Input> inputs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String key = "order-" + random.nextInt(10_000);
            String value = "{\"id\":\"" + key + "\",\"customer\":\"c-" + random.nextInt(500) + "\",\"amount\":"
                    + random.nextInt(100_000) + ",\"status\":\"" + (random.nextBoolean() ? "PLACED" : "PAID")
                    + "\",\"note\":\"" + "x".repeat(random.nextInt(200)) + "\"}";
            inputs.add(new Input(base + i, key.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    value.getBytes(java.nio.charset.StandardCharsets.UTF_8), randomHeaders(random)));
        }
        return inputs;
    }

    static byte[] randomBytes(Random random) {
        int kind = random.nextInt(20);
        if (kind == 0) {
            return null;
        }
        if (kind == 1) {
            return new byte[0];
        }
        int length = kind == 2 && random.nextInt(5) == 0 ? random.nextInt(200_000) : random.nextInt(300);
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    static List<Header> randomHeaders(Random random) {
        int count = random.nextInt(3) == 0 ? random.nextInt(5) : 0;
        List<Header> headers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder key = new StringBuilder();
            int length = random.nextInt(12);
            for (int c = 0; c < length; c++) {
                key.append(HEADER_KEY_PARTS[random.nextInt(HEADER_KEY_PARTS.length)]);
            }
            headers.add(new Header(key.toString(), random.nextInt(4) == 0 ? null : smallBytes(random)));
        }
        return headers;
    }

    private static byte[] smallBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(40)];
        random.nextBytes(bytes);
        return bytes;
    }

    static ByteBuffer build(List<Input> inputs) {
        return build(inputs, CompressionCodec.NONE);
    }

    static ByteBuffer build(List<Input> inputs, CompressionCodec codec) {
        RecordBatchBuilder builder = new RecordBatchBuilder(codec);
        for (Input in : inputs) {
            builder.add(in.timestamp(), in.key(), in.value(), in.headers());
        }
        return builder.build();
    }

    /** The records a decoder must return for {@code inputs} built into a batch with this base offset. */
    static List<Record> expected(List<Input> inputs, long baseOffset) {
        List<Record> records = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            Input in = inputs.get(i);
            records.add(new Record(baseOffset + i, in.timestamp(), in.key(), in.value(), in.headers()));
        }
        return records;
    }

    /** Recomputes the CRC of the batch at {@code position}, as a forger (or a buggy producer) would. */
    static void fixCrc(ByteBuffer buf, int position) {
        int size = RecordBatchHeader.read(buf, position).sizeInBytes();
        int crc = RecordBatchValidator.crc32c(buf, position + ATTRIBUTES_OFFSET, position + size);
        buf.putInt(position + CRC_OFFSET, crc);
    }

    static ByteBuffer copy(ByteBuffer buf) {
        ByteBuffer copy = ByteBuffer.allocate(buf.remaining());
        copy.put(buf.duplicate());
        return copy.flip();
    }
}
