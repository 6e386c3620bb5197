package dev.backbone.server.log;

import dev.backbone.client.batch.Record;
import dev.backbone.server.log.io.OpenFileLimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Many partitions under a small bound of open segment files: idle files are closed, and reopened when used. */
class OpenFileBudgetTest {

    private static final int PARTITIONS = 60;
    private static final int MAX_OPEN = 10;

    @TempDir
    Path dataDir;

    @Test
    void idleSegmentFilesAreClosedAndEveryPartitionKeepsWorking() throws Exception {
        LogManagerOptions options = LogManagerOptions.DEFAULT.withMaxOpenSegmentFiles(MAX_OPEN);
        LogConfig config = LogConfig.DEFAULT.withSegmentBytes(2048);
        long descriptorsBefore = OpenFileLimit.openFileDescriptors();
        try (LogManager manager = new LogManager(dataDir, options)) {
            List<PartitionLog> logs = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                PartitionLog log = manager.openOrCreate(new TopicPartition("many", p), config);
                logs.add(log);
                for (int i = 0; i < 20; i++) {
                    log.append(TestBatches.sized(1, 1, 200), i % 5 == 0 ? FlushMode.SYNC : FlushMode.NONE);
                }
            }
            assertThat(logs.get(0).segmentBaseOffsets()).hasSizeGreaterThan(1);
            awaitAtMost(manager, MAX_OPEN);
            long descriptorsAtRest = OpenFileLimit.openFileDescriptors();
            assertThat(descriptorsAtRest - descriptorsBefore).isLessThan(MAX_OPEN + 10);

            for (int p = 0; p < PARTITIONS; p++) {
                PartitionLog log = logs.get(p);
                log.append(TestBatches.batch(2, "after " + p), FlushMode.SYNC);
                List<Record> records = TestBatches.readAll(log, 0, 512);
                assertThat(records).hasSize(21);
                assertThat(TestBatches.text(records.get(20))).isEqualTo("after " + p);
            }
            awaitAtMost(manager, MAX_OPEN);
        }
        try (LogManager reopened = new LogManager(dataDir, options)) {
            assertThat(reopened.startedAfterCleanShutdown()).isTrue();
            for (int p = 0; p < PARTITIONS; p++) {
                PartitionLog log = reopened.openOrCreate(new TopicPartition("many", p), config);
                assertThat(log.logEndOffset()).isEqualTo(21);
            }
            awaitAtMost(reopened, MAX_OPEN);
        }
    }

    private static void awaitAtMost(LogManager manager, int bound) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (manager.openSegmentFiles() > bound && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(manager.openSegmentFiles()).isLessThanOrEqualTo(bound);
    }
}
