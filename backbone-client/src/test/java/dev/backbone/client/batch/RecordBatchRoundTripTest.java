package dev.backbone.client.batch;

import static dev.backbone.client.batch.RecordBatchDescriptor.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backbone.client.batch.TestBatches.Input;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecordBatchRoundTripTest {

    /** A value given as a range of a larger array makes the same batch as the value in an array of its own. */
    @Test
    void aValueGivenAsARangeBuildsTheSameBatchAsItsCopy() {
        byte[] around = "..{\"v\":1}..".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] value = java.util.Arrays.copyOfRange(around, 2, around.length - 2);
        for (CompressionCodec codec : List.of(CompressionCodec.NONE, CompressionCodec.LZ4)) {
            ByteBuffer fromRange = new RecordBatchBuilder(codec).add(5, new byte[] {1}, around, 2, value.length,
                    List.of()).add(6, null, null, 0, 0, null).build();
            ByteBuffer fromCopy = new RecordBatchBuilder(codec).add(5, new byte[] {1}, value, List.of())
                    .add(6, null, null).build();
            assertThat(fromRange).as(codec.name()).isEqualTo(fromCopy);
        }
        assertThatThrownBy(() -> new RecordBatchBuilder().add(5, null, around, 10, 5, List.of()))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    /**
     * A builder given the spare buffer of an earlier batch builds the same bytes as a fresh one, whether the
     * records fit the spare or outgrow it, and hands out the buffer it ended in for the next batch.
     */
    @Test
    void aBuilderReusingAnEarlierBatchBufferBuildsTheSameBatch() {
        byte[] small = new byte[100];
        byte[] large = new byte[5_000];
        java.util.Arrays.fill(small, (byte) 's');
        java.util.Arrays.fill(large, (byte) 'L');
        for (CompressionCodec codec : List.of(CompressionCodec.NONE, CompressionCodec.ZSTD)) {
            RecordBatchBuilder first = new RecordBatchBuilder(codec, 2_000).add(1, null, small, List.of());
            first.build();
            ByteBuffer spare = first.buffer();
            ByteBuffer fits = new RecordBatchBuilder(codec, spare).producer(7, (short) 0, 10)
                    .add(2, new byte[] {1}, small, List.of(new Header("h", small))).build();
            assertThat(fits).as(codec.name()).isEqualTo(new RecordBatchBuilder(codec).producer(7, (short) 0, 10)
                    .add(2, new byte[] {1}, small, List.of(new Header("h", small))).build());

            RecordBatchBuilder outgrowing = new RecordBatchBuilder(codec, spare);
            ByteBuffer grown = outgrowing.add(3, null, large, List.of()).add(4, null, large, List.of()).build();
            assertThat(grown).as(codec.name()).isEqualTo(new RecordBatchBuilder(codec)
                    .add(3, null, large, List.of()).add(4, null, large, List.of()).build());
            assertThat(outgrowing.buffer().capacity()).isGreaterThan(spare.capacity());
        }
        assertThatThrownBy(() -> new RecordBatchBuilder(CompressionCodec.NONE, ByteBuffer.allocateDirect(4_096)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RecordBatchBuilder(CompressionCodec.NONE,
                ByteBuffer.allocate(4_096).position(8).slice())).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(longs = {1L, 2L, 3L, 42L, 1_000_003L, 0xBACCBEEFL, -7L, 20261201L})
    void randomBatchesDecodeToWhatWasAdded(long seed) {
        Random random = new Random(seed);
        for (int round = 0; round < 30; round++) {
            List<Input> inputs = TestBatches.randomInputs(random, 1 + random.nextInt(60), false);
            ByteBuffer batch = TestBatches.build(inputs);

            RecordBatchHeader header = RecordBatchValidator.validate(batch, 0, Integer.MAX_VALUE);
            List<Record> decoded = RecordBatchDecoder.decode(batch, 0);

            String context = "seed " + seed + ", round " + round;
            assertThat(decoded).as(context).isEqualTo(TestBatches.expected(inputs, 0));
            assertThat(header.recordCount()).as(context).isEqualTo(inputs.size());
            assertThat(header.sizeInBytes()).as(context).isEqualTo(batch.limit());
            assertThat(header.lastOffset()).as(context).isEqualTo(inputs.size() - 1);
            assertThat(header.baseTimestamp()).as(context).isEqualTo(inputs.get(0).timestamp());
            assertThat(batch.position()).as(context).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {5L, 6L, 7L, 99L})
    void concatenatedBatchesDecodeInOrderAfterTheBrokerAssignsOffsets(long seed) {
        Random random = new Random(seed);
        List<ByteBuffer> batches = new ArrayList<>();
        List<Record> expected = new ArrayList<>();
        long nextOffset = random.nextInt(1_000_000);
        int batchCount = 1 + random.nextInt(8);
        for (int i = 0; i < batchCount; i++) {
            List<Input> inputs = TestBatches.randomInputs(random, 20, false);
            ByteBuffer batch = TestBatches.build(inputs);
            // What the broker does on append: only fields outside the CRC change.
            batch.putLong(BASE_OFFSET_OFFSET, nextOffset).putInt(PARTITION_LEADER_EPOCH_OFFSET, 7);
            expected.addAll(TestBatches.expected(inputs, nextOffset));
            nextOffset += inputs.size();
            batches.add(batch);
        }
        ByteBuffer all = RecordBatchBuilder.concat(batches);

        List<RecordBatchHeader> headers = RecordBatchValidator.validateAll(all, Integer.MAX_VALUE);
        assertThat(headers).as("seed " + seed).hasSize(batchCount)
                .allSatisfy(h -> assertThat(h.partitionLeaderEpoch()).isEqualTo(7));
        assertThat(RecordBatchDecoder.decodeAll(all)).as("seed " + seed).isEqualTo(expected);
        assertThat(all.position()).isZero();
        assertThat(batches).allSatisfy(b -> assertThat(b.position()).isZero());

        // From an offset inside some batch (as a fetch from a committed offset gets it): the records from there on.
        int from = random.nextInt(expected.size());
        List<Record> sunk = new ArrayList<>();
        RecordBatchDecoder.decodeAll(all, expected.get(from).offset(), (offset, timestamp, key, value, recordHeaders) -> {
            assertThat(recordHeaders).as("an unmodifiable list").isUnmodifiable();
            sunk.add(new Record(offset, timestamp, key, value, recordHeaders));
        });
        assertThat(sunk).as("seed " + seed + ", from index " + from).isEqualTo(expected.subList(from,
                expected.size()));
        assertThat(all.position()).isZero();
    }

    @Test
    void readsFromAnyPositionOfHeapDirectReadOnlyAndLittleEndianBuffers() {
        List<Input> inputs = TestBatches.randomInputs(new Random(11), 10, false);
        ByteBuffer batch = TestBatches.build(inputs);
        List<Record> expected = TestBatches.expected(inputs, 0);
        int lead = 13;

        ByteBuffer heap = ByteBuffer.allocate(lead + batch.limit());
        ByteBuffer direct = ByteBuffer.allocateDirect(lead + batch.limit());
        for (ByteBuffer b : List.of(heap, direct)) {
            b.position(lead);
            b.put(batch.duplicate());
            b.position(lead);
        }
        for (ByteBuffer b : List.of(heap, direct, heap.asReadOnlyBuffer(), heap.duplicate().order(ByteOrder.LITTLE_ENDIAN))) {
            assertThat(RecordBatchDecoder.decode(b, lead)).isEqualTo(expected);
            assertThat(RecordBatchDecoder.decodeAll(b)).isEqualTo(expected);
            assertThat(RecordBatchValidator.validateAll(b, Integer.MAX_VALUE)).hasSize(1);
            assertThat(RecordBatchHeader.read(b, lead).recordCount()).isEqualTo(inputs.size());
            assertThat(b.position()).isEqualTo(lead);
        }
    }

    @Test
    void builderFillsTheHeaderAsTheFormatSays() {
        RecordBatchBuilder builder = new RecordBatchBuilder().producer(77L, (short) 3, 1000);
        builder.add(5_000L, null, "a".getBytes(), null)
                .add(4_000L, "k".getBytes(), null)
                .add(9_000L, new byte[0], new byte[0], List.of(new Header("h", null)));
        ByteBuffer batch = builder.build();

        RecordBatchHeader h = RecordBatchHeader.read(batch, 0);
        assertThat(builder.recordCount()).isEqualTo(3);
        assertThat(builder.estimatedSizeInBytes()).isEqualTo(batch.limit()).isEqualTo(h.sizeInBytes());
        assertThat(batch.position()).isZero();
        assertThat(h.baseOffset()).isZero();
        assertThat(h.partitionLeaderEpoch()).isEqualTo(NO_PARTITION_LEADER_EPOCH);
        assertThat(h.magic()).isEqualTo(MAGIC_V2);
        assertThat(h.attributes()).isZero();
        assertThat(h.lastOffsetDelta()).isEqualTo(2);
        assertThat(h.baseTimestamp()).isEqualTo(5_000L);
        assertThat(h.maxTimestamp()).isEqualTo(9_000L);
        assertThat(h.producerId()).isEqualTo(77L);
        assertThat(h.producerEpoch()).isEqualTo((short) 3);
        assertThat(h.baseSequence()).isEqualTo(1000);
        assertThat(h.recordCount()).isEqualTo(3);
        assertThat(h.compressionCodec()).isZero();
        assertThat(h.isControl()).isFalse();
        assertThat(h.isTransactional()).isFalse();
        assertThat(RecordBatchValidator.validate(batch, 0, batch.limit())).isEqualTo(h);
    }

    @Test
    void builderWithoutProducerMarksNoIdempotenceAndCanBuildAgainAfterMoreRecords() {
        RecordBatchBuilder builder = new RecordBatchBuilder().add(1L, null, new byte[] {1});
        ByteBuffer first = builder.build();
        builder.add(2L, null, new byte[] {2});
        ByteBuffer second = builder.build();

        RecordBatchHeader h = RecordBatchHeader.read(first, 0);
        assertThat(h.producerId()).isEqualTo(NO_PRODUCER_ID);
        assertThat(h.producerEpoch()).isEqualTo(NO_PRODUCER_EPOCH);
        assertThat(h.baseSequence()).isEqualTo(NO_SEQUENCE);
        assertThat(RecordBatchDecoder.decode(first, 0)).hasSize(1);
        assertThat(RecordBatchDecoder.decode(second, 0)).extracting(Record::offset).containsExactly(0L, 1L);
    }

    @Test
    void anEmptyBuilderBuildsNothing() {
        assertThatThrownBy(() -> new RecordBatchBuilder().build()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anEmptyInputDecodesToNoRecordsButIsNotAValidProduceBody() {
        assertThat(RecordBatchDecoder.decodeAll(ByteBuffer.allocate(0))).isEmpty();
        assertThatThrownBy(() -> RecordBatchValidator.validateAll(ByteBuffer.allocate(0), 1000))
                .isInstanceOfSatisfying(InvalidBatchException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidBatchException.Reason.MALFORMED));
    }

    @Test
    void recordsCompareByContent() {
        Record a = new Record(1, 2, "k".getBytes(), "v".getBytes(), List.of(new Header("h", "x".getBytes())));
        Record b = new Record(1, 2, "k".getBytes(), "v".getBytes(), List.of(new Header("h", "x".getBytes())));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(new Record(1, 2, "k".getBytes(), "w".getBytes(), List.of()));
        assertThat(new Record(0, 0, null, null, null).headers()).isEmpty();
    }

    /**
     * Header names repeat from record to record, and the decoder shares the text of recent ones: names that are
     * prefixes of each other, the empty name, and more distinct names than it keeps still come back as written,
     * from heap and direct buffers.
     */
    @Test
    void repeatedHeaderNamesDecodeAsWritten() {
        String[] names = {"event-type", "event", "", "traceparent", "tracestate", "event-typf", "\u00e9v\u00e9nement"};
        RecordBatchBuilder builder = new RecordBatchBuilder();
        List<List<Header>> written = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            List<Header> headers = List.of(new Header(names[i % names.length], new byte[] {(byte) i}),
                    new Header(names[(i * 3) % names.length], null), new Header(names[i % 2], new byte[0]));
            written.add(headers);
            builder.add(i, null, new byte[] {(byte) i}, headers);
        }
        ByteBuffer heap = builder.build();
        ByteBuffer direct = ByteBuffer.allocateDirect(heap.remaining()).put(heap.duplicate()).flip();
        for (ByteBuffer buffer : List.of(heap, direct)) {
            List<Record> records = RecordBatchDecoder.decodeAll(buffer);
            assertThat(records).as(buffer.isDirect() ? "direct" : "heap").hasSize(written.size());
            for (int i = 0; i < records.size(); i++) {
                assertThat(records.get(i).headers()).as("record " + i).isEqualTo(written.get(i));
            }
        }
    }
}
