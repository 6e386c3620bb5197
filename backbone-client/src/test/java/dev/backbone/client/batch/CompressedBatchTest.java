package dev.backbone.client.batch;

import static dev.backbone.client.batch.RecordBatchDescriptor.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.backbone.client.batch.InvalidBatchException.Reason;
import dev.backbone.client.batch.TestBatches.Input;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Compressed batches: round trips per codec, damage of every kind, and the decompression bound. */
class CompressedBatchTest {

    @ParameterizedTest
    @EnumSource(CompressionCodec.class)
    void everyCodecRoundTripsAndShrinksJsonLikeRecords(CompressionCodec codec) {
        long seed = 1_400L + codec.id();
        Random random = new Random(seed);
        for (int round = 0; round < 20; round++) {
            List<Input> inputs = round % 2 == 0 ? TestBatches.jsonLikeInputs(random, 200)
                    : TestBatches.randomInputs(random, 40, false);
            ByteBuffer batch = TestBatches.build(inputs, codec);
            String context = codec + ", seed " + seed + ", round " + round;

            RecordBatchHeader header = RecordBatchValidator.validate(batch, 0, Integer.MAX_VALUE);
            assertThat(header.compressionCodec()).as(context).isEqualTo(codec.id());
            assertThat(header.recordCount()).as(context).isEqualTo(inputs.size());
            assertThat(RecordBatchDecoder.decodeAll(batch)).as(context).isEqualTo(TestBatches.expected(inputs, 0));
            if (codec != CompressionCodec.NONE && round % 2 == 0 && inputs.size() > 20) {
                assertThat(batch.limit()).as(context)
                        .isLessThan(TestBatches.build(inputs, CompressionCodec.NONE).limit() / 2);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodec.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void theInflatedBatchIsTheUncompressedBatchButForTheCrc(CompressionCodec codec) {
        List<Input> inputs = TestBatches.jsonLikeInputs(new Random(7), 50);
        ByteBuffer compressed = TestBatches.build(inputs, codec);
        ByteBuffer plain = TestBatches.build(inputs, CompressionCodec.NONE);

        ByteBuffer inflated = BatchInflater.plain(compressed, 0, RecordBatchHeader.read(compressed, 0),
                BatchInflater.DEFAULT_MAX_UNCOMPRESSED_BYTES);
        inflated.putInt(CRC_OFFSET, plain.getInt(CRC_OFFSET));
        assertThat(inflated).isEqualTo(plain);
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodec.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void everySingleByteChangeInsideTheCrcIsDetected(CompressionCodec codec) {
        long seed = 2_000L + codec.id();
        ByteBuffer original = TestBatches.build(TestBatches.jsonLikeInputs(new Random(seed), 8), codec);
        for (int i = 0; i < original.limit(); i++) {
            ByteBuffer mutated = TestBatches.copy(original);
            mutated.put(i, (byte) (mutated.get(i) ^ 0x01));
            boolean outsideCrc = i < BATCH_LENGTH_OFFSET || (i >= PARTITION_LEADER_EPOCH_OFFSET && i < MAGIC_OFFSET);
            Throwable thrown = catchThrowable(() -> RecordBatchValidator.validateAll(mutated, Integer.MAX_VALUE));
            String context = codec + ", seed " + seed + ", byte " + i;
            if (outsideCrc) {
                assertThat(thrown).as(context).isNull();
            } else {
                assertThat(thrown).as(context).isInstanceOf(InvalidBatchException.class);
                assertThat(catchThrowable(() -> RecordBatchDecoder.decodeAll(mutated))).as(context)
                        .isInstanceOf(InvalidBatchException.class);
            }
        }
    }

    /** Damage behind a recomputed CRC reaches the codec itself: it may only ever fail as an invalid batch. */
    @ParameterizedTest
    @EnumSource(value = CompressionCodec.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void damagedCompressedRecordsWithAValidCrcOnlyEverRaiseInvalidBatchException(CompressionCodec codec) {
        long seed = 3_000L + codec.id();
        Random random = new Random(seed);
        ByteBuffer original = TestBatches.build(TestBatches.jsonLikeInputs(random, 30), codec);
        for (int i = 0; i < 400; i++) {
            ByteBuffer mutated = TestBatches.copy(original);
            int changes = 1 + random.nextInt(4);
            for (int c = 0; c < changes; c++) {
                int at = RECORDS_OFFSET + random.nextInt(mutated.limit() - RECORDS_OFFSET);
                mutated.put(at, (byte) random.nextInt());
            }
            TestBatches.fixCrc(mutated, 0);
            String context = codec + ", seed " + seed + ", iteration " + i;
            for (Runnable call : List.<Runnable>of(
                    () -> RecordBatchValidator.validateAll(mutated, Integer.MAX_VALUE),
                    () -> RecordBatchDecoder.decodeAll(mutated))) {
                Throwable thrown = catchThrowable(call::run);
                if (thrown != null) {
                    assertThat(thrown).as(context).isInstanceOf(InvalidBatchException.class);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodec.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void truncationAtEveryLengthIsMalformed(CompressionCodec codec) {
        ByteBuffer batch = TestBatches.build(TestBatches.jsonLikeInputs(new Random(4_000L + codec.id()), 5), codec);
        for (int length = 0; length < batch.limit(); length++) {
            ByteBuffer truncated = batch.duplicate().limit(length);
            Throwable thrown = catchThrowable(() -> RecordBatchValidator.validate(truncated, 0, Integer.MAX_VALUE));
            assertReason(thrown, Reason.MALFORMED, codec + ", truncated to " + length);
        }
    }

    /** A compressed stream cut short, behind a CRC that matches: the codec runs out of input. */
    @ParameterizedTest
    @EnumSource(value = CompressionCodec.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void aCompressedStreamCutShortBehindAValidCrcIsMalformed(CompressionCodec codec) {
        ByteBuffer batch = TestBatches.build(TestBatches.jsonLikeInputs(new Random(5_000L + codec.id()), 40), codec);
        for (int cut = 1; cut < batch.limit() - RECORDS_OFFSET; cut += 7) {
            ByteBuffer shorter = TestBatches.copy(batch.duplicate().limit(batch.limit() - cut));
            shorter.putInt(BATCH_LENGTH_OFFSET, shorter.limit() - LOG_OVERHEAD);
            TestBatches.fixCrc(shorter, 0);
            Throwable thrown = catchThrowable(() -> RecordBatchValidator.validate(shorter, 0, Integer.MAX_VALUE));
            assertReason(thrown, Reason.MALFORMED, codec + ", " + cut + " bytes cut");
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodec.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void recordsThatDecompressPastTheLimitAreTooLarge(CompressionCodec codec) {
        ByteBuffer batch = TestBatches.build(TestBatches.jsonLikeInputs(new Random(6_000L + codec.id()), 40), codec);
        int plainRecords = TestBatches.build(TestBatches.jsonLikeInputs(new Random(6_000L + codec.id()), 40),
                CompressionCodec.NONE).limit() - HEADER_SIZE;

        assertThat(RecordBatchValidator.validate(batch, 0, Integer.MAX_VALUE, plainRecords).recordCount()).isPositive();
        Throwable thrown = catchThrowable(() -> RecordBatchValidator.validate(batch, 0, Integer.MAX_VALUE,
                plainRecords - 1));
        assertReason(thrown, Reason.TOO_LARGE, codec + ", one byte over");
    }

    /** 80 MiB of zeros in a few kilobytes: refused after at most the 64 MiB limit, never decompressed whole. */
    @Test
    void aDecompressionBombIsTooLarge() {
        ByteBuffer bomb = new RecordBatchBuilder(CompressionCodec.ZSTD)
                .add(1L, null, new byte[80 * 1024 * 1024])
                .build();
        assertThat(bomb.limit()).isLessThan(64 * 1024);

        Throwable thrown = catchThrowable(() -> RecordBatchValidator.validate(bomb, 0, bomb.limit()));
        assertReason(thrown, Reason.TOO_LARGE, "zstd bomb");
        assertThat(thrown).hasMessageContaining("67108864");
    }

    @Test
    void codecIdsFiveToSevenAreUnsupportedAndOneToFourOverPlainRecordsAreMalformed() {
        for (int codec = 1; codec <= 7; codec++) {
            ByteBuffer batch = TestBatches.build(TestBatches.jsonLikeInputs(new Random(codec), 3));
            batch.putShort(ATTRIBUTES_OFFSET, (short) codec);
            TestBatches.fixCrc(batch, 0);
            Reason expected = codec <= 4 ? Reason.MALFORMED : Reason.UNSUPPORTED_COMPRESSION;
            assertReason(catchThrowable(() -> RecordBatchValidator.validate(batch, 0, Integer.MAX_VALUE)), expected,
                    "codec " + codec);
        }
    }

    @Test
    void codecsAreNamedAsKafkasCompressionType() {
        List<String> names = new ArrayList<>();
        for (CompressionCodec codec : CompressionCodec.values()) {
            names.add(codec.configName());
            assertThat(CompressionCodec.forName(codec.configName().toUpperCase())).isEqualTo(codec);
            assertThat(CompressionCodec.ofId(codec.id(), 0)).isEqualTo(codec);
        }
        assertThat(names).containsExactly("none", "gzip", "snappy", "lz4", "zstd");
        assertThat(catchThrowable(() -> CompressionCodec.forName("brotli")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("brotli");
    }

    private static void assertReason(Throwable thrown, Reason reason, String context) {
        assertThat(thrown).as(context).isInstanceOf(InvalidBatchException.class);
        assertThat(((InvalidBatchException) thrown).reason()).as(context + ": " + thrown.getMessage()).isEqualTo(reason);
    }
}
