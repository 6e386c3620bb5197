package dev.backbone.server.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The zeros SYNC appends keep ahead of them are never data: rolls and a clean shutdown cut them off. */
class ZeroFilledTailTest {

    private static final TopicPartition TP = new TopicPartition("zeros", 0);
    private static final int SEGMENT_BYTES = 64 * 1024;

    @TempDir
    Path dataDir;

    @Test
    void syncAppendsWriteIntoZerosThatRollAndCloseCutOff() throws IOException {
        LogConfig config = LogConfig.DEFAULT.withSegmentBytes(SEGMENT_BYTES);
        String value = "v".repeat(1000);
        long appended = 0;
        try (LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT)) {
            PartitionLog log = manager.openOrCreate(TP, config);
            log.append(TestBatches.batch(1, value), FlushMode.SYNC);
            appended++;
            Path first = SegmentFiles.logFile(log.directory(), 0);
            // Capped at the segment size, since the log rolls before it.
            assertThat(Files.size(first)).isEqualTo(SEGMENT_BYTES);

            while (log.segmentBaseOffsets().size() < 3) {
                log.append(TestBatches.batch(1, value), appended % 2 == 0 ? FlushMode.SYNC : FlushMode.NONE);
                appended++;
            }
            for (long base : log.segmentBaseOffsets().subList(0, 2)) {
                assertThat(Files.size(SegmentFiles.logFile(log.directory(), base)))
                        .as("sealed segment %d ends with its data", base)
                        .isEqualTo(dataBytes(log, base));
            }
            assertThat(TestBatches.readAll(log, 0, 10_000)).hasSize((int) appended)
                    .allSatisfy(record -> assertThat(TestBatches.text(record)).isEqualTo(value));
        }
        try (LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT)) {
            PartitionLog log = manager.openOrCreate(TP, config);
            long active = log.activeSegmentBaseOffset();
            assertThat(Files.size(SegmentFiles.logFile(log.directory(), active))).isEqualTo(dataBytes(log, active));
            assertThat(log.logEndOffset()).isEqualTo(appended);
        }
    }

    /** The bytes of the whole batches the log serves from the segment starting at {@code base}. */
    private static long dataBytes(PartitionLog log, long base) throws IOException {
        long bytes = 0;
        long offset = base;
        while (offset < log.logEndOffset()) {
            LogSlice slice = log.read(offset, 1);
            if (!slice.segmentFile().getFileName().equals(SegmentFiles.logFile(log.directory(), base).getFileName())) {
                break;
            }
            bytes += slice.sizeBytes();
            offset = slice.nextOffset();
        }
        return bytes;
    }
}
