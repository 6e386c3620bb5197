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
import org.junit.jupiter.params.provider.ValueSource;

class RecordBatchValidatorTest {

    @ParameterizedTest
    @ValueSource(longs = {1L, 2L, 3L, 4L})
    void everySingleByteChangeIsDetectedUnlessItLiesInBaseOffsetOrLeaderEpoch(long seed) {
        Random random = new Random(seed);
        List<ByteBuffer> parts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            parts.add(TestBatches.build(smallInputs(random)));
        }
        ByteBuffer original = RecordBatchBuilder.concat(parts);
        List<Record> originalRecords = RecordBatchDecoder.decodeAll(original);

        int batchStart = 0;
        for (ByteBuffer part : parts) {
            for (int i = 0; i < part.limit(); i++) {
                for (int mask : new int[] {0x01, 0xFF}) {
                    ByteBuffer mutated = TestBatches.copy(original);
                    int at = batchStart + i;
                    mutated.put(at, (byte) (mutated.get(at) ^ mask));
                    String context = "seed " + seed + ", batch at " + batchStart + ", byte " + i + " ^ " + mask;
                    boolean outsideCrc = i < BATCH_LENGTH_OFFSET
                            || (i >= PARTITION_LEADER_EPOCH_OFFSET && i < MAGIC_OFFSET);
                    Throwable thrown = catchThrowable(() -> RecordBatchValidator.validateAll(mutated, Integer.MAX_VALUE));
                    if (outsideCrc) {
                        assertThat(thrown).as(context).isNull();
                        assertThat(RecordBatchDecoder.decodeAll(mutated)).as(context).hasSameSizeAs(originalRecords);
                    } else {
                        assertThat(thrown).as(context).isInstanceOf(InvalidBatchException.class);
                        assertThat(catchThrowable(() -> RecordBatchDecoder.decodeAll(mutated))).as(context)
                                .isInstanceOf(InvalidBatchException.class);
                    }
                }
            }
            batchStart += part.limit();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {10L, 11L, 12L})
    void truncationAtEveryLengthIsMalformed(long seed) {
        ByteBuffer batch = TestBatches.build(smallInputs(new Random(seed)));
        for (int length = 0; length < batch.limit(); length++) {
            ByteBuffer truncated = batch.duplicate().limit(length);
            String context = "seed " + seed + ", truncated to " + length;
            assertReason(catchThrowable(() -> RecordBatchValidator.validate(truncated, 0, Integer.MAX_VALUE)),
                    Reason.MALFORMED, context);
            assertReason(catchThrowable(() -> RecordBatchValidator.validateAll(truncated, Integer.MAX_VALUE)),
                    Reason.MALFORMED, context);
            if (length > 0) {
                assertReason(catchThrowable(() -> RecordBatchDecoder.decodeAll(truncated)), Reason.MALFORMED, context);
            }
            assertReason(catchThrowable(() -> RecordBatchDecoder.decode(truncated, 0)), Reason.MALFORMED, context);
        }
    }

    @Test
    void aTornSecondBatchIsReportedAtItsOwnPosition() {
        Random random = new Random(13);
        ByteBuffer first = TestBatches.build(smallInputs(random));
        ByteBuffer second = TestBatches.build(smallInputs(random));
        ByteBuffer both = RecordBatchBuilder.concat(List.of(first, second));
        ByteBuffer torn = both.duplicate().limit(both.limit() - 1);

        Throwable thrown = catchThrowable(() -> RecordBatchValidator.validateAll(torn, Integer.MAX_VALUE));
        assertReason(thrown, Reason.MALFORMED, "torn second batch");
        assertThat(((InvalidBatchException) thrown).position()).isEqualTo(first.limit());
    }

    @Test
    void randomGarbageOnlyEverRaisesInvalidBatchException() {
        long seed = 20_261_201L;
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            ByteBuffer garbage = ByteBuffer.wrap(bytes);
            if (bytes.length >= LOG_OVERHEAD && random.nextBoolean()) {
                // Plausible lengths and magic, or nothing gets past the framing checks.
                garbage.putInt(BATCH_LENGTH_OFFSET, bytes.length - LOG_OVERHEAD - random.nextInt(3));
                if (bytes.length > MAGIC_OFFSET) {
                    garbage.put(MAGIC_OFFSET, MAGIC_V2);
                }
            }
            assertOnlyInvalidBatch(garbage, "seed " + seed + ", iteration " + i);
        }
    }

    /**
     * Random damage behind a correct CRC: the attack (or the buggy producer) the CRC cannot catch, so the
     * record walk itself must hold.
     */
    @ParameterizedTest
    @ValueSource(longs = {21L, 22L, 23L})
    void forgedRecordsWithAValidCrcOnlyEverRaiseInvalidBatchException(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 3_000; i++) {
            ByteBuffer batch = TestBatches.build(smallInputs(random));
            int changes = 1 + random.nextInt(4);
            for (int c = 0; c < changes; c++) {
                int at = RECORDS_OFFSET + random.nextInt(batch.limit() - RECORDS_OFFSET);
                batch.put(at, random.nextInt(3) == 0 ? (byte) 0xFF : (byte) random.nextInt());
            }
            if (random.nextInt(4) == 0) {
                int count = random.nextInt(3) == 0 ? Integer.MAX_VALUE : random.nextInt(100) - 2;
                batch.putInt(RECORD_COUNT_OFFSET, count).putInt(LAST_OFFSET_DELTA_OFFSET, count - 1);
            }
            TestBatches.fixCrc(batch, 0);
            assertOnlyInvalidBatch(batch, "seed " + seed + ", iteration " + i);
        }
    }

    @Test
    void aRecordCountOfTwoToTheThirtyOneIsRefusedWithoutAllocating() {
        ByteBuffer batch = TestBatches.build(smallInputs(new Random(31)));
        batch.putInt(RECORD_COUNT_OFFSET, Integer.MAX_VALUE).putInt(LAST_OFFSET_DELTA_OFFSET, Integer.MAX_VALUE - 1);
        TestBatches.fixCrc(batch, 0);

        // A list sized by the count would fail with OutOfMemoryError, not this.
        assertReason(catchThrowable(() -> RecordBatchDecoder.decode(batch, 0)), Reason.MALFORMED, "huge count");
        assertReason(catchThrowable(() -> RecordBatchValidator.validate(batch, 0, Integer.MAX_VALUE)),
                Reason.MALFORMED, "huge count");
    }

    @Test
    void hugeKeyValueAndHeaderLengthsAreRefusedWithoutAllocating() {
        int max = 0x0F;  // the last byte of 2^31-1 as a zig-zag varint after four 0xFF-ish bytes
        byte[][] records = {
                record(0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF, max, 1, 0),  // key of 2^31-1 bytes
                record(0, 0, 0, 1, 0xFE, 0xFF, 0xFF, 0xFF, max, 0),  // value of 2^31-1 bytes
                record(0, 0, 0, 1, 1, 0xFE, 0xFF, 0xFF, 0xFF, max),  // 2^31-1 headers
                record(0, 0, 0, 1, 1, 2, 0xFE, 0xFF, 0xFF, 0xFF, max, 1),  // header key longer than the record
                record(0, 0, 0, 1, 1, 2, 1, 1),  // a null header key
                record(0, 0, 0, 3, 1, 0),  // key length -2
                record(0, 0, 0, 1, 1, 0, 0, 0, 0, 0),  // four bytes left over in the record
                record(0, 0, 2, 1, 1, 0),  // offset delta 1 for the first record
                record(0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0, 0, 1, 1, 0),  // 11-byte varlong
                bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0, 0, 0, 0, 1, 1, 0),  // 6-byte record length varint
                bytes(0x7F, 0, 0, 0, 1, 1, 0),  // record length -64
        };
        String[] faults = {
                "key length at byte 65 is 2147483647", "value length at byte 66 is 2147483647",
                "header key length lies past the end", "header key length at byte 68 is 2147483647",
                "header key length at byte 68 is -1", "key length at byte 65 is -2", "4 bytes left over",
                "offset delta 1", "longer than 10 bytes", "longer than 5 bytes", "length -64",
        };
        for (int i = 0; i < records.length; i++) {
            ByteBuffer batch = forge(records[i], 1);
            Throwable thrown = catchThrowable(() -> RecordBatchDecoder.decode(batch, 0));
            assertReason(thrown, Reason.MALFORMED, "record " + i);
            assertThat(thrown.getMessage()).as("record " + i).contains(faults[i]);
        }
        assertThat(RecordBatchDecoder.decode(forge(record(0, 0, 0, 1, 1, 2, 0, 1), 1), 0))
                .as("the same framing, well formed")
                .containsExactly(new Record(0, 0, null, null, List.of(new Header("", null))));
    }

    /** A record: the zig-zag length of the body, then the body. */
    private static byte[] record(int... body) {
        ByteBuffer out = ByteBuffer.allocate(Varints.MAX_VARINT_SIZE + body.length);
        Varints.writeVarint(body.length, out);
        for (int b : body) {
            out.put((byte) b);
        }
        return TestBatches.copy(out.flip()).array();
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    /** What validation decompressed is handed over, so that a reader after the append need not decompress again. */
    @Test
    void validateAllHandsOverThePlainFormOfEachCompressedBatch() {
        ByteBuffer plain = new RecordBatchBuilder().add(7, new byte[] {1}, new byte[] {2, 3}).build();
        ByteBuffer gzip = new RecordBatchBuilder(CompressionCodec.GZIP).add(7, new byte[] {1}, new byte[] {2, 3})
                .build();
        List<ByteBuffer> plainForms = new ArrayList<>();
        List<RecordBatchHeader> headers = RecordBatchValidator.validateAll(
                RecordBatchBuilder.concat(List.of(plain, gzip)), 1 << 20, 1 << 20, plainForms);
        assertThat(headers).hasSize(2);
        assertThat(plainForms).hasSize(2);
        assertThat(plainForms.get(0)).isNull();
        ByteBuffer inflated = plainForms.get(1);
        assertThat(inflated.limit()).isEqualTo(plain.limit());
        assertThat(inflated.slice(RECORDS_OFFSET, inflated.limit() - RECORDS_OFFSET))
                .isEqualTo(plain.slice(RECORDS_OFFSET, plain.limit() - RECORDS_OFFSET));
    }

    @Test
    void magicOtherThanTwoIsUnsupportedMagic() {
        for (byte magic : new byte[] {0, 1, 3, -1}) {
            ByteBuffer batch = TestBatches.build(smallInputs(new Random(magic)));
            batch.put(MAGIC_OFFSET, magic);
            assertReason(catchThrowable(() -> RecordBatchValidator.validate(batch, 0, Integer.MAX_VALUE)),
                    Reason.UNSUPPORTED_MAGIC, "magic " + magic);
        }
    }

    @Test
    void aBatchLargerThanTheLimitIsTooLarge() {
        ByteBuffer batch = TestBatches.build(smallInputs(new Random(41)));
        int size = batch.limit();

        assertThat(RecordBatchValidator.validate(batch, 0, size).sizeInBytes()).isEqualTo(size);
        assertReason(catchThrowable(() -> RecordBatchValidator.validate(batch, 0, size - 1)), Reason.TOO_LARGE,
                "one byte over");
        assertReason(catchThrowable(() -> RecordBatchValidator.validateAll(batch, size - 1)), Reason.TOO_LARGE,
                "one byte over");
    }

    @Test
    void aBadCrcIsACrcMismatch() {
        ByteBuffer batch = TestBatches.build(smallInputs(new Random(43)));
        batch.putInt(CRC_OFFSET, batch.getInt(CRC_OFFSET) + 1);
        assertReason(catchThrowable(() -> RecordBatchValidator.validate(batch, 0, Integer.MAX_VALUE)),
                Reason.CRC_MISMATCH, "crc + 1");
    }

    @Test
    void impossibleCountsAndLengthsAreMalformed() {
        ByteBuffer zeroCount = TestBatches.build(smallInputs(new Random(51)));
        zeroCount.putInt(RECORD_COUNT_OFFSET, 0).putInt(LAST_OFFSET_DELTA_OFFSET, -1);
        TestBatches.fixCrc(zeroCount, 0);

        ByteBuffer wrongLastDelta = TestBatches.build(smallInputs(new Random(52)));
        wrongLastDelta.putInt(LAST_OFFSET_DELTA_OFFSET, wrongLastDelta.getInt(LAST_OFFSET_DELTA_OFFSET) + 1);
        TestBatches.fixCrc(wrongLastDelta, 0);

        ByteBuffer negativeLength = TestBatches.build(smallInputs(new Random(53)));
        negativeLength.putInt(BATCH_LENGTH_OFFSET, -5);

        ByteBuffer shorterThanHeader = ByteBuffer.allocate(40);
        shorterThanHeader.putInt(BATCH_LENGTH_OFFSET, 40 - LOG_OVERHEAD).put(MAGIC_OFFSET, MAGIC_V2);

        for (ByteBuffer b : List.of(zeroCount, wrongLastDelta, negativeLength, shorterThanHeader)) {
            assertReason(catchThrowable(() -> RecordBatchValidator.validate(b, 0, Integer.MAX_VALUE)),
                    Reason.MALFORMED, b.toString());
        }
    }

    @Test
    void bytesAfterTheLastBatchAreMalformed() {
        ByteBuffer batch = TestBatches.build(smallInputs(new Random(55)));
        ByteBuffer withTail = ByteBuffer.allocate(batch.limit() + 1).put(batch.duplicate()).put((byte) 0).flip();

        Throwable thrown = catchThrowable(() -> RecordBatchValidator.validateAll(withTail, Integer.MAX_VALUE));
        assertReason(thrown, Reason.MALFORMED, "one byte after the batch");
        assertThat(((InvalidBatchException) thrown).position()).isEqualTo(batch.limit());
    }

    @Test
    void headerReadNeedsSixtyOneBytes() {
        assertReason(catchThrowable(() -> RecordBatchHeader.read(ByteBuffer.allocate(HEADER_SIZE - 1), 0)),
                Reason.MALFORMED, "60 bytes");
        assertThat(RecordBatchHeader.read(ByteBuffer.allocate(HEADER_SIZE), 0).sizeInBytes()).isEqualTo(LOG_OVERHEAD);
    }

    /** A batch around hand-made record bytes, with a correct CRC and the given record count. */
    private static ByteBuffer forge(byte[] records, int count) {
        ByteBuffer batch = ByteBuffer.allocate(HEADER_SIZE + records.length);
        batch.putInt(BATCH_LENGTH_OFFSET, batch.capacity() - LOG_OVERHEAD)
                .putInt(PARTITION_LEADER_EPOCH_OFFSET, -1)
                .put(MAGIC_OFFSET, MAGIC_V2)
                .putInt(LAST_OFFSET_DELTA_OFFSET, count - 1)
                .putInt(RECORD_COUNT_OFFSET, count)
                .put(RECORDS_OFFSET, records);
        TestBatches.fixCrc(batch, 0);
        return batch;
    }

    private static List<Input> smallInputs(Random random) {
        List<Input> inputs = new ArrayList<>();
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            byte[] value = new byte[random.nextInt(20)];
            random.nextBytes(value);
            byte[] key = random.nextBoolean() ? null : new byte[] {(byte) random.nextInt()};
            List<Header> headers = random.nextBoolean() ? List.of() : List.of(new Header("h" + i, key));
            inputs.add(new Input(1_700_000_000_000L + random.nextInt(5_000), key, value, headers));
        }
        return inputs;
    }

    private static void assertOnlyInvalidBatch(ByteBuffer buf, String context) {
        for (Runnable call : List.<Runnable>of(
                () -> RecordBatchValidator.validate(buf, 0, 1 << 20),
                () -> RecordBatchValidator.validateAll(buf, 1 << 20),
                () -> RecordBatchDecoder.decodeAll(buf),
                () -> RecordBatchDecoder.decode(buf, 0))) {
            Throwable thrown = catchThrowable(call::run);
            if (thrown != null) {
                assertThat(thrown).as(context).isInstanceOf(InvalidBatchException.class);
            }
        }
    }

    private static void assertReason(Throwable thrown, Reason reason, String context) {
        assertThat(thrown).as(context).isInstanceOf(InvalidBatchException.class);
        assertThat(((InvalidBatchException) thrown).reason()).as(context + ": " + thrown.getMessage()).isEqualTo(reason);
    }
}
