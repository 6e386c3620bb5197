package dev.backbone.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.client.batch.BatchInflater;
import dev.backbone.client.batch.CompressionCodec;
import dev.backbone.client.batch.Header;
import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.client.batch.RecordBatchDecoder;
import dev.backbone.client.batch.RecordBatchHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BatchKeyWalkerTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void reportsTheSameKeysAndOffsetsAsTheDecoder(long seed) throws IOException {
        Random random = new Random(seed);
        List<ByteBuffer> batches = new ArrayList<>();
        long base = 0;
        for (int b = 0; b < 5; b++) {
            RecordBatchBuilder builder = new RecordBatchBuilder();
            int count = 1 + random.nextInt(20);
            for (int i = 0; i < count; i++) {
                byte[] key = random.nextInt(4) == 0 ? null : bytes(random, random.nextInt(200));
                byte[] value = random.nextBoolean() ? null : bytes(random, random.nextInt(300));
                List<Header> headers = random.nextBoolean() ? List.of()
                        : List.of(new Header("h", bytes(random, 3)));
                builder.add(1_000 + i, key, value, headers);
            }
            ByteBuffer batch = builder.build();
            batch.putLong(0, base); // as the log assigns base offsets
            base += count;
            batches.add(batch);
        }
        ByteBuffer all = RecordBatchBuilder.concat(batches);
        List<Record> decoded = RecordBatchDecoder.decodeAll(all.duplicate());

        List<Long> offsets = new ArrayList<>();
        List<ByteBuffer> keys = new ArrayList<>();
        List<Long> batchEnds = new ArrayList<>();
        BatchKeyWalker.walk(all, new BatchKeyWalker.RecordVisitor() {
            @Override
            public void keyedRecord(long offset, ByteBuffer buf, int keyPosition, int keyLength) {
                offsets.add(offset);
                byte[] key = new byte[keyLength];
                buf.get(keyPosition, key);
                keys.add(ByteBuffer.wrap(key));
            }

            @Override
            public void batchEnd(long nextOffset) {
                batchEnds.add(nextOffset);
            }
        });

        List<Record> keyed = decoded.stream().filter(r -> r.key() != null).toList();
        assertThat(offsets).as("seed " + seed).containsExactlyElementsOf(keyed.stream().map(Record::offset).toList());
        assertThat(keys).as("seed " + seed)
                .containsExactlyElementsOf(keyed.stream().map(r -> ByteBuffer.wrap(r.key())).toList());
        assertThat(batchEnds).as("seed " + seed).hasSize(5).last().isEqualTo(base);
        assertThat(all.position()).isZero();
    }

    /**
     * The log hands the key index the plain forms its validation made; the walker must read those and not
     * decompress the stored batch again. The plain form given here holds other keys than the stored batch, so
     * the keys reported show which of the two was read; offsets still come from the stored batch.
     */
    @Test
    void readsTheRecordsOfAPlainFormItIsGivenInsteadOfDecompressing() throws IOException {
        ByteBuffer stored = new RecordBatchBuilder(CompressionCodec.ZSTD).add(1, bytes("a"), bytes("1"))
                .add(2, bytes("b"), bytes("2")).build();
        stored.putLong(0, 40);
        ByteBuffer otherPlain = BatchInflater.plain(new RecordBatchBuilder(CompressionCodec.ZSTD)
                .add(1, bytes("x"), bytes("1")).add(2, bytes("y"), bytes("2")).build(), 0,
                RecordBatchHeader.read(stored, 0), BatchInflater.DEFAULT_MAX_UNCOMPRESSED_BYTES);
        List<String> given = new ArrayList<>();
        List<String> decompressed = new ArrayList<>();
        BatchKeyWalker.walk(stored, List.of(otherPlain), keysInto(given));
        BatchKeyWalker.walk(stored, java.util.Arrays.asList((ByteBuffer) null), keysInto(decompressed));
        assertThat(given).containsExactly("40:x", "41:y");
        assertThat(decompressed).containsExactly("40:a", "41:b");
    }

    private static BatchKeyWalker.RecordVisitor keysInto(List<String> keys) {
        return new BatchKeyWalker.RecordVisitor() {
            @Override
            public void keyedRecord(long offset, ByteBuffer buf, int keyPosition, int keyLength) {
                byte[] key = new byte[keyLength];
                buf.get(keyPosition, key);
                keys.add(offset + ":" + new String(key, StandardCharsets.UTF_8));
            }

            @Override
            public void batchEnd(long nextOffset) {
            }
        };
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {4, 5, 6})
    void recordAtDecodesEachRecordAsTheDecoderDoes(long seed) {
        Random random = new Random(seed);
        RecordBatchBuilder builder = new RecordBatchBuilder();
        int count = 1 + random.nextInt(50);
        for (int i = 0; i < count; i++) {
            byte[] key = random.nextInt(4) == 0 ? null : bytes(random, random.nextInt(20));
            byte[] value = random.nextInt(5) == 0 ? null : bytes(random, random.nextInt(300));
            List<Header> headers = random.nextBoolean() ? List.of()
                    : List.of(new Header("h" + i, bytes(random, 3)), new Header("n", null));
            builder.add(5_000 + random.nextInt(1000), key, value, headers);
        }
        ByteBuffer batch = builder.build();
        batch.putLong(0, 1_000); // base offset as assigned by the log
        List<Record> decoded = RecordBatchDecoder.decode(batch, 0);

        for (Record expected : decoded) {
            assertThat(BatchRecordReader.recordAt(batch, expected.offset())).as("seed " + seed).isEqualTo(expected);
        }
        assertThat(BatchRecordReader.recordAt(batch, 999)).isNull();
        assertThat(BatchRecordReader.recordAt(batch, 1_000 + count)).isNull();
        assertThat(batch.position()).isZero();
    }

    private static byte[] bytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
