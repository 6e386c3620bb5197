package dev.backbone.server.log;

import dev.backbone.client.batch.InvalidBatchException;
import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.client.batch.RecordBatchHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.backbone.server.log.TestBatches.batch;
import static dev.backbone.server.log.TestBatches.bytes;
import static dev.backbone.server.log.TestBatches.readAll;
import static dev.backbone.server.log.TestBatches.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalPartitionLogTest {

    private static final TopicPartition TP = new TopicPartition("orders", 0);

    @TempDir
    Path dataDir;

    private LogManager manager;
    private PartitionLog log;

    @BeforeEach
    void open() throws IOException {
        manager = new LogManager(dataDir, LogManagerOptions.DEFAULT);
        log = manager.openOrCreate(TP, LogConfig.DEFAULT.withSegmentBytes(4096).withIndexIntervalBytes(256));
    }

    @AfterEach
    void close() throws IOException {
        manager.close();
    }

    @Test
    void appendsAssignContiguousOffsetsAndReadReturnsTheSameRecords() throws IOException {
        AppendResult first = log.append(batch(1000, "a", "b", "c"), FlushMode.NONE);
        AppendResult second = log.append(RecordBatchBuilder.concat(List.of(batch(1001, "d"), batch(1002, "e", "f"))),
                FlushMode.SYNC);

        assertThat(first.firstOffset()).isZero();
        assertThat(first.lastOffset()).isEqualTo(2);
        assertThat(second.batchBaseOffsets()).containsExactly(3, 4);
        assertThat(second.lastOffset()).isEqualTo(5);
        assertThat(log.logStartOffset()).isZero();
        assertThat(log.logEndOffset()).isEqualTo(6);
        List<Record> records = readAll(log, 0, 1 << 20);
        assertThat(records).extracting(TestBatches::text).containsExactly("a", "b", "c", "d", "e", "f");
        assertThat(records).extracting(Record::offset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void storedBatchesCarryAssignedOffsetsAndLeaderEpochWithTheClientBytesOtherwise() throws IOException {
        log.append(batch(5, "x"), FlushMode.NONE);
        ByteBuffer sent = batch(7, "y", "z");
        ByteBuffer original = ByteBuffer.allocate(sent.remaining()).put(sent.duplicate()).flip();
        log.append(sent, FlushMode.NONE);

        ByteBuffer stored = bytes(log.read(1, 1 << 20));
        RecordBatchHeader header = RecordBatchHeader.read(stored, 0);
        assertThat(header.baseOffset()).isEqualTo(1);
        assertThat(header.partitionLeaderEpoch()).isEqualTo(LocalPartitionLog.LEADER_EPOCH);
        assertThat(stored.slice(16, stored.remaining() - 16)).isEqualTo(original.slice(16, original.remaining() - 16));
    }

    @Test
    void readStartsAtTheBatchHoldingTheOffsetAndNeverSplitsABatch() throws IOException {
        for (int i = 0; i < 20; i++) {
            log.append(batch(i, "r" + i + "-0", "r" + i + "-1", "r" + i + "-2"), FlushMode.NONE);
        }
        LogSlice slice = log.read(31, 1);
        assertThat(slice.firstOffset()).isEqualTo(30);
        assertThat(slice.nextOffset()).isEqualTo(33);
        assertThat(bytes(slice).remaining()).isEqualTo(slice.sizeBytes());

        LogSlice bigger = log.read(31, 3 * slice.sizeBytes() + 1);
        assertThat(bigger.firstOffset()).isEqualTo(30);
        assertThat(bigger.nextOffset()).isEqualTo(39);
        assertThat(bigger.sizeBytes()).isEqualTo(3 * slice.sizeBytes());
    }

    @Test
    void aBatchLargerThanMaxBytesIsStillServedWhole() throws IOException {
        log.append(TestBatches.sized(1, 10, 300), FlushMode.NONE);
        LogSlice slice = log.read(4, 100);
        assertThat(slice.firstOffset()).isZero();
        assertThat(slice.nextOffset()).isEqualTo(10);
        assertThat(slice.sizeBytes()).isGreaterThan(3000);
    }

    @Test
    void readAtTheEndIsEmptyAndBeyondIsOutOfRange() throws IOException {
        log.append(batch(1, "a"), FlushMode.NONE);
        assertThat(log.read(1, 100).isEmpty()).isTrue();
        assertThat(log.read(1, 100).nextOffset()).isEqualTo(1);
        assertThatThrownBy(() -> log.read(2, 100)).isInstanceOfSatisfying(OffsetOutOfRangeException.class, e -> {
            assertThat(e.requestedOffset()).isEqualTo(2);
            assertThat(e.logStartOffset()).isZero();
            assertThat(e.logEndOffset()).isEqualTo(1);
        });
        assertThatThrownBy(() -> log.read(-1, 100)).isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void rollsBySizeAndReadsAcrossSegments() throws IOException {
        for (int i = 0; i < 40; i++) {
            log.append(TestBatches.sized(i, 2, 200), FlushMode.NONE);
        }
        assertThat(log.segmentBaseOffsets()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(log.activeSegmentBaseOffset()).isEqualTo(log.segmentBaseOffsets().get(log.segmentBaseOffsets().size() - 1));
        for (long base : log.segmentBaseOffsets()) {
            assertThat(SegmentFiles.logFile(log.directory(), base)).exists();
            assertThat(Files.size(SegmentFiles.logFile(log.directory(), base))).isLessThanOrEqualTo(4096);
        }
        List<Record> records = readAll(log, 0, 1 << 20);
        assertThat(records).extracting(Record::offset).containsExactlyElementsOf(range(0, 80));
    }

    @Test
    void aThrowingPreconditionLeavesTheLogUnchanged() throws IOException {
        log.append(batch(1, "a", "b"), FlushMode.NONE);
        long size = log.sizeBytes();
        List<Long> seen = new ArrayList<>();
        assertThatThrownBy(() -> log.append(batch(2, "c"), FlushMode.SYNC, next -> {
            seen.add(next);
            throw new IllegalStateException("expected version 7, found " + next);
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("found 2");
        assertThat(seen).containsExactly(2L);
        assertThat(log.logEndOffset()).isEqualTo(2);
        assertThat(log.sizeBytes()).isEqualTo(size);
        assertThat(log.append(batch(3, "d"), FlushMode.NONE, next -> { }).firstOffset()).isEqualTo(2);
    }

    @Test
    void anInvalidBatchIsRefusedAndTheLogUnchanged() throws IOException {
        log.append(batch(1, "a"), FlushMode.NONE);
        ByteBuffer bad = batch(2, "b");
        bad.put(bad.limit() - 1, (byte) (bad.get(bad.limit() - 1) ^ 0x40));
        assertThatThrownBy(() -> log.append(bad, FlushMode.NONE))
                .isInstanceOfSatisfying(InvalidBatchException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidBatchException.Reason.CRC_MISMATCH));
        ByteBuffer tooBig = TestBatches.sized(3, 1, log.config().maxBatchBytes());
        assertThatThrownBy(() -> log.append(tooBig, FlushMode.NONE))
                .isInstanceOfSatisfying(InvalidBatchException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidBatchException.Reason.TOO_LARGE));
        assertThat(log.logEndOffset()).isEqualTo(1);
        assertThat(log.append(batch(4, "c"), FlushMode.NONE).firstOffset()).isEqualTo(1);
    }

    @Test
    void observersSeeExactlyTheStoredBytesInOrder() throws IOException {
        List<String> calls = new ArrayList<>();
        List<ByteBuffer> seen = new ArrayList<>();
        log.addAppendObserver((tp, segmentBase, position, stored) -> {
            assertThat(stored.isReadOnly()).isTrue();
            calls.add(tp + "@" + segmentBase + ":" + position);
            seen.add(ByteBuffer.allocate(stored.remaining()).put(stored.duplicate()).flip());
        });
        log.append(batch(1, "a"), FlushMode.NONE);
        log.append(RecordBatchBuilder.concat(List.of(batch(2, "b", "c"), batch(3, "d"))), FlushMode.SYNC);

        assertThat(calls).hasSize(2);
        assertThat(calls.get(0)).isEqualTo("orders-0@0:0");
        LogSlice all = log.read(0, 1 << 20);
        ByteBuffer onDisk = bytes(all);
        int firstSize = seen.get(0).remaining();
        assertThat(calls.get(1)).isEqualTo("orders-0@0:" + firstSize);
        assertThat(onDisk.slice(0, firstSize)).isEqualTo(seen.get(0));
        assertThat(onDisk.slice(firstSize, onDisk.remaining() - firstSize)).isEqualTo(seen.get(1));
    }

    @Test
    void listenersHearTheNewEndOffset() throws IOException {
        // Listeners of SYNC appends run on the flusher thread, and the contract allows repeated signals.
        List<Long> heard = new CopyOnWriteArrayList<>();
        log.addAppendListener(heard::add);
        log.append(batch(1, "a", "b"), FlushMode.NONE);
        assertThat(heard).containsExactly(2L);
        log.append(batch(1, "c"), FlushMode.SYNC);
        assertThat(heard).contains(2L, 3L).allSatisfy(end -> assertThat(end).isBetween(2L, 3L));
        assertThat(heard.get(heard.size() - 1)).isEqualTo(3L);
    }

    @Test
    void aClosedLogRefusesAppendsAndReads() throws IOException {
        log.append(batch(1, "a"), FlushMode.NONE);
        log.close();
        assertThatThrownBy(() -> log.append(batch(1, "b"), FlushMode.NONE)).isInstanceOf(LogClosedException.class);
        assertThatThrownBy(() -> log.read(0, 100)).isInstanceOf(LogClosedException.class);
    }

    @Test
    void aCleanCloseAndReopenKeepsEverythingWithoutAScan() throws IOException {
        for (int i = 0; i < 30; i++) {
            log.append(TestBatches.sized(i, 3, 100), FlushMode.NONE);
        }
        List<Long> segments = log.segmentBaseOffsets();
        manager.close();
        assertThat(dataDir.resolve(LogManager.CLEAN_SHUTDOWN_MARKER)).exists();
        for (long base : segments) {
            assertThat(SegmentFiles.indexFile(dataDir.resolve("orders-0"), base)).exists();
        }

        manager = new LogManager(dataDir, LogManagerOptions.DEFAULT);
        assertThat(manager.startedAfterCleanShutdown()).isTrue();
        assertThat(dataDir.resolve(LogManager.CLEAN_SHUTDOWN_MARKER)).doesNotExist();
        assertThat(manager.existingOnDisk()).containsExactly(TP);
        log = manager.openOrCreate(TP, LogConfig.DEFAULT.withSegmentBytes(4096).withIndexIntervalBytes(256));
        assertThat(log.segmentBaseOffsets()).isEqualTo(segments);
        assertThat(log.logEndOffset()).isEqualTo(90);
        assertThat(readAll(log, 0, 1000)).extracting(Record::offset).containsExactlyElementsOf(range(0, 90));
        assertThat(log.append(batch(1, "more"), FlushMode.SYNC).firstOffset()).isEqualTo(90);
    }

    static List<Long> range(long from, long to) {
        List<Long> values = new ArrayList<>();
        for (long i = from; i < to; i++) {
            values.add(i);
        }
        return values;
    }
}
