package org.apache.ratis.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The broker's replacement of Ratis's Raft log checksum is the one loaded, and computes CRC-32C. */
class RaftLogChecksumTest {

    @Test
    void theBrokersClassIsLoadedInsteadOfRatiss() {
        String loadedFrom = PureJavaCrc32C.class.getProtectionDomain().getCodeSource().getLocation().toString();
        assertThat(loadedFrom).doesNotContain("ratis-common");
        assertThat(PureJavaCrc32C.class.getDeclaredFields()).hasSize(1);
    }

    @Test
    void computesCrc32cOfTheStandardCheckInput() {
        PureJavaCrc32C checksum = new PureJavaCrc32C();
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        checksum.update(check, 0, check.length);
        assertThat(checksum.getValue()).isEqualTo(0xE3069283L);
        checksum.reset();
        assertThat(checksum.getValue()).isZero();
    }

    @Test
    void buffersOfEveryKindGiveTheJdksValueAndKeepTheirPosition() {
        long seed = System.nanoTime();
        System.out.println("RaftLogChecksumTest seed " + seed);
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            byte[] bytes = new byte[random.nextInt(70_000)];
            random.nextBytes(bytes);
            int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
            CRC32C expected = new CRC32C();
            expected.update(bytes, from, bytes.length - from);

            ByteBuffer heap = ByteBuffer.wrap(bytes).position(from);
            ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).position(from);
            for (ByteBuffer buffer : new ByteBuffer[] {heap, direct, heap.asReadOnlyBuffer().position(from)}) {
                PureJavaCrc32C checksum = new PureJavaCrc32C();
                checksum.update(buffer);
                assertThat(checksum.getValue()).as("seed %d round %d", seed, round).isEqualTo(expected.getValue());
                assertThat(buffer.position()).isEqualTo(from);
            }
            PureJavaCrc32C byBytes = new PureJavaCrc32C();
            for (int i = from; i < bytes.length; i++) {
                byBytes.update(bytes[i]);
            }
            assertThat(byBytes.getValue()).isEqualTo(expected.getValue());
        }
    }
}
