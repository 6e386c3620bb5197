package dev.backbone.server.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogManagerTest {

    private static final TopicPartition A0 = new TopicPartition("alpha", 0);
    private static final TopicPartition A1 = new TopicPartition("alpha", 1);
    private static final TopicPartition DASHED = new TopicPartition("with-dash-7", 12);

    @TempDir
    Path dataDir;

    @Test
    void partitionsAreDirectoriesFoundAgainOnTheNextStart() throws IOException {
        Files.createDirectories(dataDir.resolve("not-a-partition-3"));
        Files.writeString(dataDir.resolve("not-a-partition-3").resolve("topic.json"), "{}");
        try (LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT)) {
            assertThat(manager.existingOnDisk()).isEmpty();
            PartitionLog a0 = manager.openOrCreate(A0, LogConfig.DEFAULT);
            manager.openOrCreate(DASHED, LogConfig.DEFAULT).append(TestBatches.batch(1, "x"), FlushMode.NONE);
            assertThat(manager.openOrCreate(A0, LogConfig.DEFAULT.withSegmentBytes(2048))).isSameAs(a0);
            assertThat(manager.partition(A0)).containsSame(a0);
            assertThat(manager.partition(A1)).isEmpty();
            assertThat(manager.partitions()).hasSize(2);
            assertThat(a0.directory()).isEqualTo(dataDir.toAbsolutePath().resolve("alpha-0"));
            assertThat(SegmentFiles.logFile(a0.directory(), 0).getFileName().toString())
                    .isEqualTo("00000000000000000000.log");
        }
        try (LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT)) {
            assertThat(manager.existingOnDisk()).containsExactlyInAnyOrder(A0, DASHED);
            assertThat(manager.partitions()).isEmpty();
            assertThat(manager.openOrCreate(DASHED, LogConfig.DEFAULT).logEndOffset()).isEqualTo(1);
        }
    }

    @Test
    void aSecondManagerCannotTakeTheSameDirectory() throws IOException {
        try (LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT)) {
            assertThatThrownBy(() -> new LogManager(dataDir, LogManagerOptions.DEFAULT))
                    .isInstanceOf(IOException.class).hasMessageContaining("in use");
            assertThat(manager.dataDir()).isEqualTo(dataDir.toAbsolutePath());
        }
        new LogManager(dataDir, LogManagerOptions.DEFAULT).close();
    }

    @Test
    void aFailedStartGivesTheDirectoryBack() throws IOException {
        // A marker that cannot be deleted (a non-empty directory) makes the start fail after the lock was taken.
        Path marker = dataDir.resolve(LogManager.CLEAN_SHUTDOWN_MARKER);
        Files.createDirectories(marker.resolve("in-the-way"));
        assertThatThrownBy(() -> new LogManager(dataDir, LogManagerOptions.DEFAULT)).isInstanceOf(IOException.class);
        Files.delete(marker.resolve("in-the-way"));
        Files.delete(marker);
        new LogManager(dataDir, LogManagerOptions.DEFAULT).close();
    }

    @Test
    void deleteRemovesThePartitionAndItsFilesAfterTheDelay() throws Exception {
        LogManagerOptions options = LogManagerOptions.DEFAULT.withFileDeleteDelay(Duration.ofMillis(20));
        try (LogManager manager = new LogManager(dataDir, options)) {
            PartitionLog log = manager.openOrCreate(A0, LogConfig.DEFAULT);
            log.append(TestBatches.batch(1, "gone soon"), FlushMode.SYNC);
            manager.openOrCreate(A1, LogConfig.DEFAULT);
            manager.delete(A0);

            assertThat(manager.partition(A0)).isEmpty();
            assertThat(dataDir.resolve("alpha-0")).doesNotExist();
            assertThatThrownBy(() -> log.append(TestBatches.batch(1, "late"), FlushMode.NONE))
                    .isInstanceOf(LogClosedException.class);
            assertThat(Files.readString(dataDir.resolve(LogManager.RECOVERY_POINT_CHECKPOINT))).doesNotContain("alpha 0");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (countEntries() > 3 + 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            // .lock, two checkpoints and alpha-1 remain.
            assertThat(countEntries()).isEqualTo(4);
            assertThat(manager.openOrCreate(A0, LogConfig.DEFAULT).logEndOffset()).isZero();
        }
    }

    @Test
    void updateConfigAppliesToTheNextAppend() throws IOException {
        try (LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT)) {
            PartitionLog log = manager.openOrCreate(A0, LogConfig.DEFAULT);
            for (int i = 0; i < 5; i++) {
                log.append(TestBatches.sized(1, 1, 500), FlushMode.NONE);
            }
            assertThat(log.segmentBaseOffsets()).hasSize(1);
            manager.updateConfig(A0, LogConfig.DEFAULT.withSegmentBytes(1024));
            assertThat(log.config().segmentBytes()).isEqualTo(1024);
            log.append(TestBatches.sized(1, 1, 500), FlushMode.NONE);
            assertThat(log.segmentBaseOffsets()).containsExactly(0L, 5L);
            assertThatThrownBy(() -> manager.updateConfig(A1, LogConfig.DEFAULT))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void noCleanMarkerWhenAPartitionLeftByACrashWasNotRecoveredInThisRun() throws IOException {
        try (LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT)) {
            manager.openOrCreate(A0, LogConfig.DEFAULT).append(TestBatches.batch(1, "x"), FlushMode.SYNC);
            manager.openOrCreate(A1, LogConfig.DEFAULT).append(TestBatches.batch(1, "y"), FlushMode.SYNC);
        }
        Files.delete(dataDir.resolve(LogManager.CLEAN_SHUTDOWN_MARKER));
        try (LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT)) {
            assertThat(manager.startedAfterCleanShutdown()).isFalse();
            manager.openOrCreate(A0, LogConfig.DEFAULT);
        }
        assertThat(dataDir.resolve(LogManager.CLEAN_SHUTDOWN_MARKER)).doesNotExist();
        try (LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT)) {
            manager.openOrCreate(A0, LogConfig.DEFAULT);
            manager.openOrCreate(A1, LogConfig.DEFAULT);
        }
        assertThat(dataDir.resolve(LogManager.CLEAN_SHUTDOWN_MARKER)).exists();
    }

    @Test
    void topicNamesThatCannotNameADirectoryAreRefused() throws IOException {
        try (LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT)) {
            assertThatThrownBy(() -> manager.openOrCreate(new TopicPartition("../escape", 0), LogConfig.DEFAULT))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> manager.openOrCreate(new TopicPartition("", 0), LogConfig.DEFAULT))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aClosedManagerRefusesToOpenLogs() throws IOException {
        LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT);
        manager.close();
        manager.close();
        assertThatThrownBy(() -> manager.openOrCreate(A0, LogConfig.DEFAULT)).isInstanceOf(IllegalStateException.class);
    }

    private long countEntries() throws IOException {
        try (Stream<Path> entries = Files.list(dataDir)) {
            return entries.count();
        }
    }
}
