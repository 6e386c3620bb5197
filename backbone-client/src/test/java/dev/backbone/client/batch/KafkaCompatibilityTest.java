package dev.backbone.client.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backbone.client.batch.InvalidBatchException.Reason;
import dev.backbone.client.batch.TestBatches.Input;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Cross-checks the codec against Apache Kafka's own record classes, in both directions. */
class KafkaCompatibilityTest {

    @ParameterizedTest
    @ValueSource(longs = {1L, 17L, 123_456_789L, 0xCAFEL})
    void kafkaReadsOurBatches(long seed) {
        Random random = new Random(seed);
        for (int round = 0; round < 10; round++) {
            List<Input> inputs = TestBatches.randomInputs(random, 50, true);
            long producerId = random.nextInt(3) == 0 ? -1L : random.nextLong() >>> 1;
            RecordBatchBuilder builder = new RecordBatchBuilder().producer(producerId, (short) 4, 321);
            inputs.forEach(in -> builder.add(in.timestamp(), in.key(), in.value(), in.headers()));
            ByteBuffer ours = builder.build();
            long baseOffset = random.nextInt(1 << 30);
            ours.putLong(RecordBatchDescriptor.BASE_OFFSET_OFFSET, baseOffset);

            String context = "seed " + seed + ", round " + round;
            Iterator<MutableRecordBatch> batches = MemoryRecords.readableRecords(ours.duplicate()).batches().iterator();
            MutableRecordBatch batch = batches.next();
            assertThat(batches.hasNext()).as(context).isFalse();
            assertThat(batch.isValid()).as(context).isTrue();
            batch.ensureValid();
            assertThat(batch.magic()).isEqualTo(RecordBatch.MAGIC_VALUE_V2);
            assertThat(batch.baseOffset()).as(context).isEqualTo(baseOffset);
            assertThat(batch.lastOffset()).as(context).isEqualTo(baseOffset + inputs.size() - 1);
            assertThat(batch.producerId()).as(context).isEqualTo(producerId);
            assertThat(batch.producerEpoch()).isEqualTo((short) 4);
            assertThat(batch.baseSequence()).isEqualTo(321);
            assertThat(batch.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
            assertThat(batch.maxTimestamp()).as(context)
                    .isEqualTo(inputs.stream().mapToLong(Input::timestamp).max().orElseThrow());
            assertThat(batch.countOrNull()).isEqualTo(inputs.size());
            assertThat(batch.sizeInBytes()).isEqualTo(ours.limit());
            assertThat(kafkaRecords(batch)).as(context).isEqualTo(TestBatches.expected(inputs, baseOffset));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {2L, 31L, 4096L, 0xFEEDL})
    void weDecodeAndAcceptKafkasBatches(long seed) {
        Random random = new Random(seed);
        for (int round = 0; round < 10; round++) {
            List<Input> inputs = TestBatches.randomInputs(random, 50, true);
            long baseOffset = random.nextInt(1 << 30);
            long producerId = random.nextLong() >>> 1;
            ByteBuffer kafka = kafkaBatch(inputs, baseOffset, producerId, (short) 9, 77, Compression.NONE);

            String context = "seed " + seed + ", round " + round;
            RecordBatchHeader header = RecordBatchValidator.validate(kafka, 0, kafka.limit());
            assertThat(header.baseOffset()).as(context).isEqualTo(baseOffset);
            assertThat(header.producerId()).as(context).isEqualTo(producerId);
            assertThat(header.producerEpoch()).isEqualTo((short) 9);
            assertThat(header.baseSequence()).isEqualTo(77);
            assertThat(header.partitionLeaderEpoch()).isEqualTo(RecordBatch.NO_PARTITION_LEADER_EPOCH);
            assertThat(RecordBatchDecoder.decode(kafka, 0)).as(context)
                    .isEqualTo(TestBatches.expected(inputs, baseOffset));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {3L, 8L, 2026L})
    void ourBuilderWritesTheSameBytesAsKafkas(long seed) {
        Random random = new Random(seed);
        for (int round = 0; round < 10; round++) {
            List<Input> inputs = TestBatches.randomInputs(random, 30, true);
            RecordBatchBuilder builder = new RecordBatchBuilder().producer(1234L, (short) 5, 6);
            inputs.forEach(in -> builder.add(in.timestamp(), in.key(), in.value(), in.headers()));

            ByteBuffer ours = builder.build();
            ByteBuffer kafka = kafkaBatch(inputs, 0L, 1234L, (short) 5, 6, Compression.NONE);
            assertThat(ours).as("seed " + seed + ", round " + round).isEqualTo(kafka);
        }
    }

    @Test
    void logAppendTimeBatchesReadTheBrokersTimestampAsKafkaDoes() {
        List<Input> inputs = TestBatches.randomInputs(new Random(9), 20, true);
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024), RecordBatch.MAGIC_VALUE_V2,
                Compression.NONE, TimestampType.LOG_APPEND_TIME, 500L, 1_234_567L);
        inputs.forEach(in -> builder.append(in.timestamp(), in.key(), in.value()));
        MemoryRecords kafka = builder.build();

        List<Record> ours = RecordBatchDecoder.decodeAll(kafka.buffer());
        assertThat(RecordBatchHeader.read(kafka.buffer(), 0).isLogAppendTime()).isTrue();
        assertThat(ours).extracting(Record::timestamp).containsOnly(1_234_567L);
        assertThat(ours).isEqualTo(kafkaRecords(kafka.batches().iterator().next()));
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodec.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void kafkaReadsOurCompressedBatches(CompressionCodec codec) {
        long seed = 140L + codec.id();
        Random random = new Random(seed);
        for (int round = 0; round < 6; round++) {
            List<Input> inputs = round % 2 == 0 ? TestBatches.jsonLikeInputs(random, 300)
                    : TestBatches.randomInputs(random, 50, true);
            RecordBatchBuilder builder = new RecordBatchBuilder(codec).producer(99L, (short) 1, 5);
            inputs.forEach(in -> builder.add(in.timestamp(), in.key(), in.value(), in.headers()));
            ByteBuffer ours = builder.build();
            ours.putLong(RecordBatchDescriptor.BASE_OFFSET_OFFSET, 1_000L);

            String context = codec + ", seed " + seed + ", round " + round;
            MutableRecordBatch batch = MemoryRecords.readableRecords(ours.duplicate()).batches().iterator().next();
            batch.ensureValid();
            assertThat(batch.compressionType().name).as(context).isEqualTo(codec.configName());
            assertThat(kafkaRecords(batch)).as(context).isEqualTo(TestBatches.expected(inputs, 1_000L));
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodec.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void weDecodeAndAcceptKafkasCompressedBatches(CompressionCodec codec) {
        long seed = 240L + codec.id();
        Random random = new Random(seed);
        for (int round = 0; round < 6; round++) {
            List<Input> inputs = round % 2 == 0 ? TestBatches.jsonLikeInputs(random, 300)
                    : TestBatches.randomInputs(random, 50, true);
            ByteBuffer kafka = kafkaBatch(inputs, 500L, 7L, (short) 2, 3, kafkaCompression(codec));

            String context = codec + ", seed " + seed + ", round " + round;
            RecordBatchHeader header = RecordBatchValidator.validate(kafka, 0, kafka.limit());
            assertThat(header.compressionCodec()).as(context).isEqualTo(codec.id());
            assertThat(RecordBatchDecoder.decode(kafka, 0)).as(context).isEqualTo(TestBatches.expected(inputs, 500L));
        }
    }

    private static Compression kafkaCompression(CompressionCodec codec) {
        return switch (codec) {
            case NONE -> Compression.NONE;
            case GZIP -> Compression.gzip().build();
            case SNAPPY -> Compression.snappy().build();
            case LZ4 -> Compression.lz4().build();
            case ZSTD -> Compression.zstd().build();
        };
    }

    @Test
    void kafkasLegacyMagicOneMessagesAreRefusedAsUnsupportedMagic() {
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, RecordBatch.MAGIC_VALUE_V1, Compression.NONE,
                TimestampType.CREATE_TIME, 0L);
        builder.append(10L, "k".getBytes(), "v".getBytes());
        builder.append(11L, null, "w".getBytes());
        ByteBuffer legacy = builder.build().buffer();

        assertThatThrownBy(() -> RecordBatchValidator.validateAll(legacy, Integer.MAX_VALUE))
                .isInstanceOfSatisfying(InvalidBatchException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_MAGIC);
                    assertThat(e.position()).isZero();
                });
    }

    @Test
    void kafkasDefaultPartitionerHashesAsOurs() {
        Random random = new Random(6);
        for (int i = 0; i < 5_000; i++) {
            byte[] key = new byte[random.nextInt(64)];
            random.nextBytes(key);
            int partitions = 1 + random.nextInt(1000);
            String context = "seed 6, key #" + i;
            assertThat(dev.backbone.client.Murmur2Partitioner.murmur2(key)).as(context).isEqualTo(Utils.murmur2(key));
            assertThat(dev.backbone.client.Murmur2Partitioner.partition(key, partitions)).as(context)
                    .isEqualTo(Utils.toPositive(Utils.murmur2(key)) % partitions);
        }
    }

    static ByteBuffer kafkaBatch(List<Input> inputs, long baseOffset, long producerId, short epoch, int sequence,
                                 Compression compression) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024), RecordBatch.MAGIC_VALUE_V2,
                compression, TimestampType.CREATE_TIME, baseOffset, RecordBatch.NO_TIMESTAMP, producerId, epoch,
                sequence);
        for (Input in : inputs) {
            org.apache.kafka.common.header.Header[] headers = in.headers().stream()
                    .map(h -> new RecordHeader(h.key(), h.value()))
                    .toArray(org.apache.kafka.common.header.Header[]::new);
            builder.append(in.timestamp(), in.key(), in.value(), headers);
        }
        return builder.build().buffer();
    }

    private static List<Record> kafkaRecords(RecordBatch batch) {
        List<Record> records = new ArrayList<>();
        for (org.apache.kafka.common.record.Record r : batch) {
            List<Header> headers = new ArrayList<>();
            for (org.apache.kafka.common.header.Header h : r.headers()) {
                headers.add(new Header(h.key(), h.value()));
            }
            records.add(new Record(r.offset(), r.timestamp(), bytes(r.key()), bytes(r.value()), headers));
        }
        return records;
    }

    private static byte[] bytes(ByteBuffer buf) {
        return buf == null ? null : Utils.toArray(buf);
    }
}
