package dev.backbone.replication.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The segment digest covers every batch in offset order and nothing else: zeros past the last batch and a torn
 * tail leave it unchanged, a changed byte inside a batch changes it.
 */
class SegmentBatchesTest {

    @Test
    void digestsTheBatchesOfEverySegmentAndIgnoresZerosAndATornTail(@TempDir Path dir) throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Files.write(a.resolve("00000000000000000000.log"), concat(batch(0, 3, (byte) 1), batch(3, 2, (byte) 2)));
        Files.write(a.resolve("00000000000000000005.log"), concat(batch(5, 1, (byte) 3), new byte[4096]));
        Path b = Files.createDirectories(dir.resolve("b"));
        Files.write(b.resolve("00000000000000000000.log"), concat(batch(0, 3, (byte) 1), batch(3, 2, (byte) 2)));
        byte[] torn = batch(6, 1, (byte) 4);
        Files.write(b.resolve("00000000000000000005.log"), concat(batch(5, 1, (byte) 3), slice(torn, 30)));
        Files.writeString(b.resolve("00000000000000000000.index"), "not a segment");

        SegmentBatches.Digest digestA = SegmentBatches.digest(a);
        SegmentBatches.Digest digestB = SegmentBatches.digest(b);

        assertThat(digestA).isEqualTo(digestB);
        assertThat(digestA.batches()).isEqualTo(3);
        assertThat(digestA.lastOffset()).isEqualTo(5);
    }

    @Test
    void aChangedByteChangesTheDigest(@TempDir Path dir) throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        byte[] batch = batch(0, 3, (byte) 1);
        Files.write(a.resolve("00000000000000000000.log"), batch);
        batch[40] ^= 1;
        Files.write(b.resolve("00000000000000000000.log"), batch);

        assertThat(SegmentBatches.digest(a).sha256()).isNotEqualTo(SegmentBatches.digest(b).sha256());
    }

    /** A batch-shaped byte run: base offset, length, then a body with lastOffsetDelta at byte 23. */
    private static byte[] batch(long baseOffset, int records, byte fill) {
        ByteBuffer buffer = ByteBuffer.allocate(61 + 10 * records);
        buffer.putLong(0, baseOffset).putInt(8, buffer.capacity() - 12);
        for (int i = 12; i < buffer.capacity(); i++) {
            buffer.put(i, fill);
        }
        buffer.putInt(23, records - 1);
        return buffer.array();
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] all = new byte[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    private static byte[] slice(byte[] bytes, int length) {
        byte[] part = new byte[length];
        System.arraycopy(bytes, 0, part, 0, length);
        return part;
    }
}
