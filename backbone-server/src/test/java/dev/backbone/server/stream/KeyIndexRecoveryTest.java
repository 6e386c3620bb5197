package dev.backbone.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hand-made damage to the chain and snapshot files: each open recovers the intact prefix. */
class KeyIndexRecoveryTest {

    @TempDir
    Path dir;

    /** Writes offsets 0..9 alternating keys a and b (a: 0,2,4,6,8; b: 1,3,5,7,9), closed cleanly. */
    private void writeTenRecords() throws IOException {
        try (KeyIndex index = KeyIndex.open(dir, KeyHasher.XXH64, 0)) {
            for (int offset = 0; offset < 10; offset++) {
                byte[] key = key(offset % 2 == 0 ? "a" : "b");
                index.add(offset, ByteBuffer.wrap(key), 0, key.length);
            }
        }
    }

    @Test
    void cleanCloseReopensFromTheSnapshot() throws IOException {
        writeTenRecords();
        assertThat(dir.resolve(KeyIndexSnapshot.FILE_NAME)).exists();

        try (KeyIndex index = KeyIndex.open(dir, KeyHasher.XXH64, 10)) {
            assertThat(index.coveredOffset()).isEqualTo(10);
            assertThat(index.version(key("a"))).isEqualTo(4);
            assertThat(offsets(index, "b", 0)).containsExactly(1L, 3L, 5L, 7L, 9L);
            assertThat(index.add(10, ByteBuffer.wrap(key("a")), 0, 1)).isEqualTo(5);
        }
    }

    @Test
    void chainCutInsideTheLastEntryLosesOnlyThatEntry() throws IOException {
        writeTenRecords();
        Files.delete(dir.resolve(KeyIndexSnapshot.FILE_NAME));
        long size = Files.size(chain());
        truncate(chain(), size - 3);

        try (KeyIndex index = KeyIndex.open(dir, KeyHasher.XXH64, 10)) {
            assertThat(index.coveredOffset()).as("the caller replays offset 9 from the log").isEqualTo(9);
            assertThat(Files.size(chain())).isEqualTo(size - entrySize("b"));
            assertThat(index.version(key("b"))).isEqualTo(3);
            assertThat(index.add(9, ByteBuffer.wrap(key("b")), 0, 1)).isEqualTo(4);
            index.flush();
            assertThat(offsets(index, "b", 0)).containsExactly(1L, 3L, 5L, 7L, 9L);
        }
    }

    @Test
    void flippedByteInAnEntryCutsTheChainThere() throws IOException {
        writeTenRecords();
        Files.delete(dir.resolve(KeyIndexSnapshot.FILE_NAME));
        // Entry 7 (key b, version 3) starts at 7 entry sizes; damage its offset field.
        long position = 7L * entrySize("a") + KeyChainDescriptor.RECORD_OFFSET_OFFSET + 7;
        flip(chain(), position);

        try (KeyIndex index = KeyIndex.open(dir, KeyHasher.XXH64, 10)) {
            assertThat(index.coveredOffset()).isEqualTo(7);
            assertThat(index.version(key("a"))).isEqualTo(3);
            assertThat(index.version(key("b"))).isEqualTo(2);
            assertThat(Files.size(chain())).isEqualTo(7L * entrySize("a"));
        }
    }

    @Test
    void snapshotNewerThanATruncatedChainIsIgnored() throws IOException {
        writeTenRecords();
        truncate(chain(), 4L * entrySize("a"));

        try (KeyIndex index = KeyIndex.open(dir, KeyHasher.XXH64, 10)) {
            assertThat(index.coveredOffset()).isEqualTo(4);
            assertThat(index.version(key("a"))).isEqualTo(1);
            assertThat(index.version(key("b"))).isEqualTo(1);
        }
    }

    @Test
    void damagedSnapshotIsIgnored() throws IOException {
        writeTenRecords();
        flip(dir.resolve(KeyIndexSnapshot.FILE_NAME), 30);

        try (KeyIndex index = KeyIndex.open(dir, KeyHasher.XXH64, 10)) {
            assertThat(index.version(key("a"))).isEqualTo(4);
            assertThat(index.version(key("b"))).isEqualTo(4);
            assertThat(index.coveredOffset()).isEqualTo(10);
        }
    }

    @Test
    void entriesBeyondTheLogEndAreDropped() throws IOException {
        writeTenRecords();

        try (KeyIndex index = KeyIndex.open(dir, KeyHasher.XXH64, 6)) {
            assertThat(index.coveredOffset()).isEqualTo(6);
            assertThat(index.version(key("a"))).isEqualTo(2);
            assertThat(index.version(key("b"))).isEqualTo(2);
            assertThat(offsets(index, "a", 0)).containsExactly(0L, 2L, 4L);
        }
    }

    @Test
    void chainAppendedAfterTheSnapshotIsReplayedOnTopOfIt() throws IOException {
        writeTenRecords();
        KeyIndex crashed = KeyIndex.open(dir, KeyHasher.XXH64, 10);
        crashed.add(10, ByteBuffer.wrap(key("c")), 0, 1);
        crashed.add(11, ByteBuffer.wrap(key("a")), 0, 1);
        crashed.flush();
        // No close: the snapshot on disk still describes ten records.

        try (KeyIndex index = KeyIndex.open(dir, KeyHasher.XXH64, 12)) {
            assertThat(index.coveredOffset()).isEqualTo(12);
            assertThat(index.version(key("a"))).isEqualTo(5);
            assertThat(index.version(key("c"))).isEqualTo(0);
            assertThat(offsets(index, "a", 3)).containsExactly(6L, 8L, 11L);
        } finally {
            crashed.close();
        }
    }

    @Test
    void truncateFromForgetsLaterRecords() throws IOException {
        writeTenRecords();
        try (KeyIndex index = KeyIndex.open(dir, KeyHasher.XXH64, 10)) {
            index.truncateFrom(5);
            assertThat(index.coveredOffset()).isEqualTo(5);
            assertThat(index.version(key("a"))).isEqualTo(2);
            assertThat(index.version(key("b"))).isEqualTo(1);
            assertThat(index.add(5, ByteBuffer.wrap(key("b")), 0, 1)).isEqualTo(2);
        }
    }

    private Path chain() {
        return dir.resolve(KeyChainDescriptor.FILE_NAME);
    }

    private static List<Long> offsets(KeyIndex index, String key, int fromVersion) throws IOException {
        return index.walk(index.head(key(key)).orElseThrow(), fromVersion).stream().map(KeyChainEntry::offset).toList();
    }

    private static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private static long entrySize(String key) {
        return KeyChainDescriptor.entryLength(key(key).length);
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    private static void flip(Path file, long position) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) (one.get(0) ^ 0x5A)).rewind();
            channel.write(one, position);
        }
    }
}
