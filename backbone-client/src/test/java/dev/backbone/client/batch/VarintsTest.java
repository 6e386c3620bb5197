package dev.backbone.client.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.ByteBuffer;
import java.util.Random;

import org.apache.kafka.common.utils.ByteUtils;
import org.junit.jupiter.api.Test;

class VarintsTest {

    private static final int[] INT_EDGES = {0, 1, -1, 63, -64, 64, -65, 8191, -8192, 8192, Integer.MAX_VALUE,
            Integer.MIN_VALUE};
    private static final long[] LONG_EDGES = {0L, 1L, -1L, 63L, -64L, 64L, Integer.MAX_VALUE, Integer.MIN_VALUE,
            Long.MAX_VALUE, Long.MIN_VALUE};

    @Test
    void intsEncodeAsKafkaEncodesThemAndReadBack() {
        long seed = 71L;
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            int value = i < INT_EDGES.length ? INT_EDGES[i] : random.nextInt() >> random.nextInt(32);
            String context = "seed " + seed + ", value " + value;
            ByteBuffer ours = ByteBuffer.allocate(Varints.MAX_VARINT_SIZE);
            ByteBuffer kafka = ByteBuffer.allocate(Varints.MAX_VARINT_SIZE);
            Varints.writeVarint(value, ours);
            ByteUtils.writeVarint(value, kafka);

            assertThat(ours.flip()).as(context).isEqualTo(kafka.flip());
            assertThat(Varints.sizeOfVarint(value)).as(context).isEqualTo(ByteUtils.sizeOfVarint(value))
                    .isEqualTo(ours.remaining());
            assertThat(Varints.readVarint(ours)).as(context).isEqualTo(value);
            assertThat(ours.hasRemaining()).isFalse();
        }
    }

    @Test
    void longsEncodeAsKafkaEncodesThemAndReadBack() {
        long seed = 72L;
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            long value = i < LONG_EDGES.length ? LONG_EDGES[i] : random.nextLong() >> random.nextInt(64);
            String context = "seed " + seed + ", value " + value;
            ByteBuffer ours = ByteBuffer.allocate(Varints.MAX_VARLONG_SIZE);
            ByteBuffer kafka = ByteBuffer.allocate(Varints.MAX_VARLONG_SIZE);
            Varints.writeVarlong(value, ours);
            ByteUtils.writeVarlong(value, kafka);

            assertThat(ours.flip()).as(context).isEqualTo(kafka.flip());
            assertThat(Varints.sizeOfVarlong(value)).as(context).isEqualTo(ByteUtils.sizeOfVarlong(value))
                    .isEqualTo(ours.remaining());
            assertThat(Varints.readVarlong(ours)).as(context).isEqualTo(value);
        }
    }

    @Test
    void nonMinimalEncodingsReadAsKafkaReadsThem() {
        byte[] zeroInFive = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00};
        assertThat(Varints.readVarint(ByteBuffer.wrap(zeroInFive))).isZero()
                .isEqualTo(ByteUtils.readVarint(ByteBuffer.wrap(zeroInFive)));
    }

    @Test
    void overlongAndTornEncodingsAreMalformed() {
        byte[] sixBytes = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00};
        byte[] elevenBytes = new byte[11];
        java.util.Arrays.fill(elevenBytes, 0, 10, (byte) 0x80);
        byte[] torn = {(byte) 0x80, (byte) 0x80};

        assertMalformed(catchThrowable(() -> Varints.readVarint(ByteBuffer.wrap(sixBytes))));
        assertMalformed(catchThrowable(() -> Varints.readVarlong(ByteBuffer.wrap(elevenBytes))));
        assertMalformed(catchThrowable(() -> Varints.readVarint(ByteBuffer.wrap(torn))));
        assertMalformed(catchThrowable(() -> Varints.readVarlong(ByteBuffer.wrap(torn))));
        assertMalformed(catchThrowable(() -> Varints.readVarint(ByteBuffer.allocate(0))));
    }

    private static void assertMalformed(Throwable thrown) {
        assertThat(thrown).isInstanceOfSatisfying(InvalidBatchException.class,
                e -> assertThat(e.reason()).isEqualTo(InvalidBatchException.Reason.MALFORMED));
    }
}
