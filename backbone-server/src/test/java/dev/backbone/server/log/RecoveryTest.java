package dev.backbone.server.log;

import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.CompressionCodec;
import dev.backbone.client.batch.RecordBatchHeader;
import dev.backbone.server.log.io.DurableFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Hand-made damage: each case must come back as a valid log holding the intact prefix and take appends. */
class RecoveryTest {

    private static final TopicPartition TP = new TopicPartition("damaged", 3);
    private static final LogConfig CONFIG = LogConfig.DEFAULT.withSegmentBytes(1024).withIndexIntervalBytes(200);

    /** Where one appended batch landed. */
    private record Stored(long segmentBase, long position, int size, long firstOffset, int records) {
    }

    @TempDir
    Path dataDir;

    private final List<Stored> stored = new ArrayList<>();
    private Path partitionDir;

    @BeforeEach
    void fill() throws IOException {
        try (LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT)) {
            PartitionLog log = manager.openOrCreate(TP, CONFIG);
            partitionDir = log.directory();
            log.addAppendObserver((tp, segmentBase, position, bytes) -> stored.add(new Stored(segmentBase, position,
                    bytes.remaining(), RecordBatchHeader.read(bytes, bytes.position())
                    .baseOffset(), RecordBatchHeader.read(bytes, bytes.position())
                    .recordCount())));
            for (int i = 0; i < 40; i++) {
                String[] values = new String[1 + i % 3];
                for (int r = 0; r < values.length; r++) {
                    values[r] = "batch " + i + " record " + r + " " + "x".repeat(i * 3);
                }
                // Every codec in turn, so that recovery scans compressed batches too; the last one is zstd.
                CompressionCodec codec = CompressionCodec.values()[i % CompressionCodec.values().length];
                log.append(TestBatches.batch(codec, 1_000 + i, values), FlushMode.NONE);
            }
            assertThat(log.segmentBaseOffsets()).hasSizeGreaterThan(3);
        }
    }

    /** As after a crash: no clean-shutdown marker, so the segment holding the recovery point is scanned. */
    private void simulateCrash() throws IOException {
        Files.delete(dataDir.resolve(LogManager.CLEAN_SHUTDOWN_MARKER));
    }

    private Stored last() {
        return stored.get(stored.size() - 1);
    }

    private long endOf(int batches) {
        Stored lastKept = stored.get(batches - 1);
        return lastKept.firstOffset() + lastKept.records();
    }

    @Test
    void aSegmentCutInTheMiddleOfABatchKeepsTheBatchesBeforeIt() throws IOException {
        simulateCrash();
        Stored victim = last();
        truncate(SegmentFiles.logFile(partitionDir, victim.segmentBase()), victim.position() + victim.size() / 2);

        reopenAndCheck(stored.size() - 1);
    }

    @Test
    void aFlippedByteInTheLastBatchDropsThatBatch() throws IOException {
        simulateCrash();
        Stored victim = last();
        flipByte(SegmentFiles.logFile(partitionDir, victim.segmentBase()), victim.position() + victim.size() - 3);

        reopenAndCheck(stored.size() - 1);
    }

    @Test
    void damageInAnEarlierSegmentAfterTheRecoveryPointDropsTheLaterSegments() throws IOException {
        simulateCrash();
        // An old checkpoint: everything is after the recovery point and gets scanned.
        Files.writeString(dataDir.resolve(LogManager.RECOVERY_POINT_CHECKPOINT), "0\n1\ndamaged 3 0\n");
        int victimIndex = 5;
        Stored victim = stored.get(victimIndex);
        assertThat(victim.segmentBase()).isLessThan(last().segmentBase());
        flipByte(SegmentFiles.logFile(partitionDir, victim.segmentBase()), victim.position() + 30);

        reopenAndCheck(victimIndex, log -> {
            assertThat(log.activeSegmentBaseOffset()).isEqualTo(victim.segmentBase());
            try (var files = Files.list(partitionDir)) {
                assertThat(files.filter(f -> f.toString().endsWith(".log")).count())
                        .isEqualTo(log.segmentBaseOffsets().size());
            }
        });
    }

    @Test
    void zerosACrashLeftAheadOfSyncAppendsAreCutWithoutDroppingAnything() throws IOException {
        simulateCrash();
        Files.writeString(dataDir.resolve(LogManager.RECOVERY_POINT_CHECKPOINT), "0\n1\ndamaged 3 0\n");
        // A roll's cut of an earlier segment lost with the machine, and the zeros ahead of the active segment.
        appendBytes(SegmentFiles.logFile(partitionDir, stored.get(5).segmentBase()), new byte[3000]);
        appendBytes(SegmentFiles.logFile(partitionDir, last().segmentBase()), new byte[70_000]);

        reopenAndCheck(stored.size(), log -> assertThat(Files.size(SegmentFiles.logFile(partitionDir,
                stored.get(5).segmentBase()))).isEqualTo(stored.get(5).position() + stored.get(5).size()
                        + bytesAfter(5)));
    }

    @Test
    void aNonZeroByteAmongTrailingZerosIsDamage() throws IOException {
        simulateCrash();
        Files.writeString(dataDir.resolve(LogManager.RECOVERY_POINT_CHECKPOINT), "0\n1\ndamaged 3 0\n");
        int victimIndex = 5;
        Stored victim = stored.get(victimIndex);
        int lastInSegment = victimIndex;
        while (stored.get(lastInSegment + 1).segmentBase() == victim.segmentBase()) {
            lastInSegment++;
        }
        byte[] tail = new byte[3000];
        tail[2000] = 1;
        appendBytes(SegmentFiles.logFile(partitionDir, victim.segmentBase()), tail);

        // The batches of the segment stay; the later segments go, as after any damage.
        reopenAndCheck(lastInSegment + 1);
    }

    /** The bytes of the batches stored after batch {@code index} in the same segment. */
    private long bytesAfter(int index) {
        long bytes = 0;
        for (int i = index + 1; i < stored.size() && stored.get(i).segmentBase() == stored.get(index).segmentBase(); i++) {
            bytes += stored.get(i).size();
        }
        return bytes;
    }

    @Test
    void aMissingIndexIsRebuilt() throws IOException {
        Stored middle = stored.get(stored.size() / 2);
        Path index = SegmentFiles.indexFile(partitionDir, middle.segmentBase());
        long indexSize = Files.size(index);
        assertThat(indexSize).isPositive();
        Files.delete(index);
        Files.delete(SegmentFiles.timeIndexFile(partitionDir, middle.segmentBase()));

        reopenAndCheck(stored.size());
        assertThat(index).exists();
        assertThat(Files.size(index)).isEqualTo(indexSize);
    }

    @Test
    void aStaleIndexIsDetectedAndRebuilt() throws IOException {
        Stored middle = stored.get(stored.size() / 2);
        Path index = SegmentFiles.indexFile(partitionDir, middle.segmentBase());
        byte[] good = Files.readAllBytes(index);
        assertThat(good.length).isGreaterThanOrEqualTo(16);
        // Same shape, still increasing, but every position is off by a few bytes: as from an older segment.
        ByteBuffer stale = ByteBuffer.wrap(good.clone());
        for (int at = 0; at < good.length; at += 8) {
            stale.putInt(at + 4, stale.getInt(at + 4) + 7);
        }
        Files.write(index, stale.array());

        reopenAndCheck(stored.size(), log -> {
            for (Stored batch : stored) {
                LogSlice slice = log.read(batch.firstOffset() + batch.records() - 1, 1);
                assertThat(slice.position()).isEqualTo(batch.position());
                assertThat(slice.firstOffset()).isEqualTo(batch.firstOffset());
                assertThat(slice.sizeBytes()).isEqualTo(batch.size());
            }
        });
        assertThat(Files.readAllBytes(index)).isEqualTo(good);
    }

    @Test
    void anIndexOfTheWrongSizeIsRebuiltAfterACrashToo() throws IOException {
        simulateCrash();
        Stored first = stored.get(0);
        Files.write(SegmentFiles.indexFile(partitionDir, first.segmentBase()), new byte[] {1, 2, 3});

        reopenAndCheck(stored.size());
    }

    @Test
    void aLeftoverTempCheckpointIsIgnoredAndRemoved() throws IOException {
        simulateCrash();
        Path temp = dataDir.resolve(LogManager.RECOVERY_POINT_CHECKPOINT + DurableFiles.TEMP_SUFFIX);
        Files.writeString(temp, "0\n1\ndamaged 3 999999\n-- torn");
        Stored victim = last();
        truncate(SegmentFiles.logFile(partitionDir, victim.segmentBase()), victim.position() + 5);

        reopenAndCheck(stored.size() - 1);
        assertThat(temp).doesNotExist();
        assertThat(Files.readString(dataDir.resolve(LogManager.RECOVERY_POINT_CHECKPOINT)))
                .contains("damaged 3 " + (endOf(stored.size() - 1) + 2));
    }

    @Test
    void aTornCheckpointFileMeansAFullScan() throws IOException {
        simulateCrash();
        Files.writeString(dataDir.resolve(LogManager.RECOVERY_POINT_CHECKPOINT), "0\n7\ndamaged 3 12");
        Stored victim = stored.get(2);
        flipByte(SegmentFiles.logFile(partitionDir, victim.segmentBase()), victim.position() + victim.size() - 1);

        reopenAndCheck(2);
    }

    /**
     * Reopens after the damage and checks: the first {@code intactBatches} batches are there byte for byte,
     * nothing after them, and the log takes appends from there on.
     */
    private void reopenAndCheck(int intactBatches) throws IOException {
        reopenAndCheck(intactBatches, log -> { });
    }

    /** More checks on the reopened log, before it is closed. */
    private interface Check {
        void on(PartitionLog log) throws IOException;
    }

    private void reopenAndCheck(int intactBatches, Check more) throws IOException {
        long end = endOf(intactBatches);
        LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT);
        try {
            PartitionLog log = manager.openOrCreate(TP, CONFIG);
            assertThat(log.logStartOffset()).isZero();
            assertThat(log.logEndOffset()).isEqualTo(end);
            List<Record> records = TestBatches.readAll(log, 0, 700);
            assertThat(records).hasSize((int) end);
            for (int b = 0; b < intactBatches; b++) {
                Stored batch = stored.get(b);
                for (int r = 0; r < batch.records(); r++) {
                    Record record = records.get((int) (batch.firstOffset() + r));
                    assertThat(record.offset()).isEqualTo(batch.firstOffset() + r);
                    assertThat(new String(record.value(), StandardCharsets.UTF_8)).startsWith("batch " + b + " record " + r + " ");
                }
            }
            AppendResult next = log.append(TestBatches.batch(5_000, "after", "repair"), FlushMode.SYNC);
            assertThat(next.firstOffset()).isEqualTo(end);
            assertThat(TestBatches.readAll(log, end, 100)).extracting(TestBatches::text).containsExactly("after", "repair");
            more.on(log);
            manager.checkpoint();
        } finally {
            manager.close();
            // Reopening once more must find the same log, now without a scan.
            try (LogManager again = new LogManager(dataDir, LogManagerOptions.DEFAULT)) {
                PartitionLog log = again.openOrCreate(TP, CONFIG);
                assertThat(log.logEndOffset()).isEqualTo(end + 2);
            }
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    private static void appendBytes(Path file, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            channel.write(ByteBuffer.wrap(bytes));
        }
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) (one.get(0) ^ 0x10)).rewind();
            channel.write(one, position);
        }
    }
}
