package dev.backbone.server.log;

import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.RecordBatchDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetentionAndRollTest {

    private static final long START = 1_700_000_000_000L;

    @TempDir
    Path dataDir;

    @Test
    void retentionBySizeUnderConcurrentAppendAndRead() throws Exception {
        LogManagerOptions options = LogManagerOptions.DEFAULT.withRetentionCheckInterval(Duration.ofMillis(5))
                .withFileDeleteDelay(Duration.ofMillis(30));
        LogConfig config = LogConfig.DEFAULT.withSegmentBytes(2048).withRetentionBytes(8192).withIndexIntervalBytes(300);
        try (LogManager manager = new LogManager(dataDir, options)) {
            PartitionLog log = manager.openOrCreate(new TopicPartition("sized", 0), config);
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicReference<Throwable> readerFailure = new AtomicReference<>();
            List<Long> jumps = new ArrayList<>();
            long[] lastRead = {-1};
            Thread reader = new Thread(() -> {
                try {
                    long offset = 0;
                    // Bounded by the writer: stops once the writer is done and the reader caught up.
                    while (writing.get() || offset < log.logEndOffset()) {
                        try {
                            LogSlice slice = log.read(offset, 700);
                            ByteBufferCheck.checkSequence(slice, offset, lastRead);
                            offset = slice.nextOffset();
                        } catch (OffsetOutOfRangeException e) {
                            assertThat(e.requestedOffset()).isLessThan(e.logStartOffset());
                            jumps.add(e.logStartOffset());
                            offset = e.logStartOffset();
                            lastRead[0] = offset - 1;
                        } catch (NoSuchFileException e) {
                            // The slice's segment was removed before we opened it: it is below the start now.
                            assertThat(offset).isLessThan(log.logStartOffset());
                        }
                    }
                } catch (Throwable t) {
                    readerFailure.set(t);
                }
            }, "reader");
            reader.start();
            for (int i = 0; i < 1500; i++) {
                log.append(TestBatches.batch(START + i, "value-" + i + "-" + "p".repeat(i % 50)),
                        i % 10 == 0 ? FlushMode.SYNC : FlushMode.NONE);
            }
            writing.set(false);
            reader.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(reader.isAlive()).isFalse();
            assertThat(readerFailure.get()).isNull();
            assertThat(lastRead[0]).isEqualTo(1499);

            manager.applyRetention();
            assertThat(log.logStartOffset()).isPositive();
            assertThat(log.sizeBytes()).isLessThanOrEqualTo(8192 + 2048);
            assertThat(log.segmentBaseOffsets().get(0)).isEqualTo(log.logStartOffset());
            assertThat(TestBatches.readAll(log, log.logStartOffset(), 4096)).extracting(TestBatches::text)
                    .allMatch(text -> text.startsWith("value-"));
            // Renamed files go after the delete delay.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (countFiles(log.directory(), ".deleted") > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(countFiles(log.directory(), ".deleted")).isZero();
            assertThat(countFiles(log.directory(), ".log")).isEqualTo(log.segmentBaseOffsets().size());
        }
    }

    @Test
    void retentionByAgeDeletesOnlyExpiredClosedSegments() throws IOException {
        TestClock clock = new TestClock(START);
        LogManagerOptions options = LogManagerOptions.DEFAULT.withClock(clock).withFileDeleteDelay(Duration.ZERO);
        LogConfig config = LogConfig.DEFAULT.withSegmentBytes(1024).withRetentionMs(60_000);
        try (LogManager manager = new LogManager(dataDir, options)) {
            PartitionLog log = manager.openOrCreate(new TopicPartition("aged", 0), config);
            for (int i = 0; i < 30; i++) {
                log.append(TestBatches.sized(START + i * 1000L, 1, 200), FlushMode.NONE);
            }
            List<Long> segments = log.segmentBaseOffsets();
            assertThat(segments.size()).isGreaterThan(4);

            clock.advance(30_000);
            assertThat(manager.applyRetention()).isZero();

            // Now records with timestamps below START + 10 s are over a minute old.
            clock.advance(40_000);
            int deleted = manager.applyRetention();
            assertThat(deleted).isPositive();
            long start = log.logStartOffset();
            assertThat(start).isEqualTo(log.segmentBaseOffsets().get(0));
            // Every remaining closed segment has a record younger than the limit; every deleted one had none.
            List<Record> remaining = TestBatches.readAll(log, start, 1 << 16);
            assertThat(remaining.get(0).offset()).isEqualTo(start);
            assertThat(remaining.get(remaining.size() - 1).offset()).isEqualTo(29);
            long newestDeleted = START + (start - 1) * 1000L;
            assertThat(clock.millis() - newestDeleted).isGreaterThan(60_000);

            // Far in the future, everything but the active segment goes.
            clock.advance(3_600_000);
            manager.applyRetention();
            assertThat(log.segmentBaseOffsets()).containsExactly(log.activeSegmentBaseOffset());
            assertThat(log.logEndOffset()).isEqualTo(30);
            assertThat(log.append(TestBatches.batch(clock.millis(), "fresh"), FlushMode.NONE).firstOffset()).isEqualTo(30);
        }
    }

    @Test
    void rollsByAge() throws IOException {
        TestClock clock = new TestClock(START);
        try (LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT.withClock(clock))) {
            PartitionLog log = manager.openOrCreate(new TopicPartition("rolling", 0),
                    LogConfig.DEFAULT.withSegmentMs(10_000));
            log.append(TestBatches.batch(START, "a"), FlushMode.NONE);
            clock.advance(9_999);
            log.append(TestBatches.batch(START, "b"), FlushMode.NONE);
            assertThat(log.segmentBaseOffsets()).containsExactly(0L);
            clock.advance(1);
            log.append(TestBatches.batch(START, "c"), FlushMode.NONE);
            assertThat(log.segmentBaseOffsets()).containsExactly(0L, 2L);
            clock.advance(60_000);
            // An idle active segment does not roll by itself, and an empty one never does.
            assertThat(log.segmentBaseOffsets()).containsExactly(0L, 2L);
            log.append(TestBatches.batch(START, "d"), FlushMode.NONE);
            assertThat(log.segmentBaseOffsets()).containsExactly(0L, 2L, 3L);
            assertThat(TestBatches.readAll(log, 0, 1 << 16)).extracting(TestBatches::text)
                    .containsExactly("a", "b", "c", "d");
        }
    }

    @Test
    void rollsBySizeWhileReadersFollowTheTail() throws Exception {
        try (LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT)) {
            PartitionLog log = manager.openOrCreate(new TopicPartition("tail", 0),
                    LogConfig.DEFAULT.withSegmentBytes(1500).withIndexIntervalBytes(128));
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                int maxBytes = 100 + r * 900;
                Thread reader = new Thread(() -> {
                    try {
                        long offset = 0;
                        long[] last = {-1};
                        while (writing.get() || offset < log.logEndOffset()) {
                            LogSlice slice = log.read(offset, maxBytes);
                            ByteBufferCheck.checkSequence(slice, offset, last);
                            offset = slice.nextOffset();
                        }
                        assertThat(last[0]).isEqualTo(999);
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                });
                reader.start();
                readers.add(reader);
            }
            for (int i = 0; i < 1000; i++) {
                log.append(TestBatches.batch(START, "value-" + i + "-" + "q".repeat(i % 40)), FlushMode.NONE);
            }
            writing.set(false);
            for (Thread reader : readers) {
                reader.join(60_000);
                assertThat(reader.isAlive()).isFalse();
            }
            assertThat(failure.get()).isNull();
            assertThat(log.segmentBaseOffsets().size()).isGreaterThan(20);
        }
    }

    /** A reader handed a slice just before retention removed its segment still gets the bytes it was promised. */
    @Test
    void aSliceOfASegmentRetentionRemovedStaysReadableUntilTheDeleteDelayEnds() throws Exception {
        LogManagerOptions options = LogManagerOptions.DEFAULT.withRetentionCheckInterval(Duration.ofHours(1))
                .withFileDeleteDelay(Duration.ofMillis(300));
        LogConfig config = LogConfig.DEFAULT.withSegmentBytes(1024).withRetentionBytes(2048);
        try (LogManager manager = new LogManager(dataDir, options)) {
            PartitionLog log = manager.openOrCreate(new TopicPartition("renamed", 0), config);
            for (int i = 0; i < 40; i++) {
                log.append(TestBatches.batch(START + i, "value-" + i + "-" + "r".repeat(60)), FlushMode.NONE);
            }
            LogSlice oldest = log.read(0, 4096);
            ByteBuffer promised = TestBatches.bytes(oldest);

            manager.applyRetention();
            assertThat(log.logStartOffset()).as("the oldest segment is gone").isGreaterThan(oldest.nextOffset() - 1);
            assertThat(oldest.segmentFile()).doesNotExist();
            assertThat(oldest.currentFile()).isNotEqualTo(oldest.segmentFile()).exists();
            ByteBuffer served = ByteBuffer.allocate(oldest.sizeBytes());
            try (FileChannel channel = oldest.openChannel()) {
                while (served.hasRemaining()) {
                    assertThat(channel.read(served, oldest.position() + served.position())).isPositive();
                }
            }
            assertThat(served.flip()).isEqualTo(promised);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (Files.exists(oldest.currentFile()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThatThrownBy(oldest::openChannel).isInstanceOf(NoSuchFileException.class)
                    .hasMessageContaining(oldest.segmentFile().getFileName().toString());
            assertThat(oldest.currentFile()).isEqualTo(oldest.segmentFile());
        }
    }

    private static long countFiles(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).count();
        }
    }

    /** Checks a slice read while writes go on: whole batches, one record per batch, values matching offsets. */
    static final class ByteBufferCheck {
        private ByteBufferCheck() {
        }

        static void checkSequence(LogSlice slice, long requested, long[] lastRead) throws IOException {
            if (slice.isEmpty()) {
                assertThat(slice.nextOffset()).isEqualTo(requested);
                return;
            }
            assertThat(slice.firstOffset()).isLessThanOrEqualTo(requested);
            List<Record> records = RecordBatchDecoder.decodeAll(TestBatches.bytes(slice));
            assertThat(records).isNotEmpty();
            assertThat(records.get(records.size() - 1).offset()).isEqualTo(slice.nextOffset() - 1);
            for (Record record : records) {
                if (record.offset() < requested) {
                    continue;
                }
                assertThat(record.offset()).isEqualTo(lastRead[0] + 1);
                assertThat(TestBatches.text(record)).startsWith("value-" + record.offset() + "-");
                lastRead[0] = record.offset();
            }
        }
    }
}
