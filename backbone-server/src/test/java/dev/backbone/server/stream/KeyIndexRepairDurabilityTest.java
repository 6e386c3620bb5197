package dev.backbone.server.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backbone.server.log.io.DurableFiles;
import dev.backbone.server.log.io.OpenFileBudget;
import dev.backbone.server.log.io.SimulatedDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The key index's repairs (cutting the chain, dropping a snapshot) through a power cut that keeps only what was
 * fsynced: a repair that is not on disk before the log reuses the offsets it gave up comes back after the cut,
 * with entries or a snapshot that name records the log has since given to other keys.
 */
class KeyIndexRepairDurabilityTest {

    private static final Path ROOT = Path.of("/simulated/key-index-repair");
    private static final Path DIR = ROOT.resolve("accounts-0");
    private static final byte[] A = "a".getBytes(StandardCharsets.UTF_8);
    private static final byte[] B = "b".getBytes(StandardCharsets.UTF_8);

    private SimulatedDisk disk;

    @BeforeEach
    void tenRecordsOfAClosedCleanly() throws IOException {
        disk = new SimulatedDisk(ROOT, new NothingUnsyncedSurvives());
        new DurableFiles(disk.files()).createDirectories(DIR);
        try (KeyIndex index = open(0)) {
            add(index, A, 0, 10);
        }
    }

    @Test
    void aChainCutByRecoveryStaysCut() throws IOException {
        // A crash lost the log's offsets 6..9; the log then gives 6 and 7 to key b and fsyncs them.
        KeyIndex recovered = open(6);
        assertThat(recovered.version(A)).isEqualTo(5);
        add(recovered, B, 6, 8);
        recovered.flush();
        disk.powerCut();
        abandon(recovered);

        try (KeyIndex index = open(8)) {
            assertThat(index.version(A)).as("a's records cut off at the first recovery").isEqualTo(5);
            assertThat(offsets(index, A)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
            assertThat(index.coveredOffset()).as("b's records are fed again from the log").isEqualTo(6);
        }
    }

    @Test
    void aSnapshotRejectedByRecoveryDoesNotComeBack() throws IOException {
        // The snapshot covers offsets the log lost; the chain is cut below it, then grows past its size again.
        KeyIndex recovered = open(6);
        add(recovered, B, 6, 14);
        // The power goes during the clean close: the chain is fsynced, the new snapshot not yet in place.
        disk.failNext(SimulatedDisk.Fault.MOVE);
        assertThatThrownBy(recovered::close).isInstanceOf(IOException.class);
        disk.powerCut();

        try (KeyIndex index = open(14)) {
            assertThat(index.version(A)).isEqualTo(5);
            assertThat(index.version(B)).isEqualTo(7);
            assertThat(offsets(index, B)).containsExactly(6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L);
            assertThat(index.coveredOffset()).isEqualTo(14);
        }
    }

    @Test
    void aRewindStaysRewound() throws IOException {
        KeyIndex running = open(10);
        // An append failed after it was indexed: the log was cut back to 6 and gives 6..9 to key b.
        running.truncateFrom(6);
        add(running, B, 6, 10);
        running.flush();
        disk.powerCut();
        abandon(running);

        try (KeyIndex index = open(10)) {
            assertThat(index.version(A)).isEqualTo(5);
            assertThat(offsets(index, A)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
            assertThat(index.coveredOffset()).as("b's records are fed again from the log").isEqualTo(6);
        }
    }

    private KeyIndex open(long logEndOffset) throws IOException {
        return KeyIndex.open(disk.files(), OpenFileBudget.UNBOUNDED, DIR, KeyHasher.XXH64, logEndOffset);
    }

    private static void add(KeyIndex index, byte[] key, long fromOffset, long toOffset) {
        LongStream.range(fromOffset, toOffset).forEach(offset -> index.add(offset, ByteBuffer.wrap(key), 0, key.length));
    }

    private static List<Long> offsets(KeyIndex index, byte[] key) throws IOException {
        return index.walk(index.head(key).orElseThrow(), 0).stream().map(KeyChainEntry::offset).toList();
    }

    /** Closes an index whose disk lost power under it: its close can only fail. */
    private static void abandon(KeyIndex index) {
        assertThatThrownBy(index::close).isInstanceOf(IOException.class);
    }

    /** The harshest power cut the disk's model allows: of what was not fsynced, nothing survives. */
    private static final class NothingUnsyncedSurvives extends Random {
        @Override
        public int nextInt(int bound) {
            return 0;
        }
    }
}
