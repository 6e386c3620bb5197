package dev.backbone.server.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.backbone.server.log.io.SimulatedDisk;

/**
 * Many partitions opened at once ({@link LogManager#openAll}) and a clean stop that only writes what changed: a
 * partition untouched since a clean start is closed without an fsync, and a power cut right after the stop still
 * finds every record, from the partitions written in this run and from those written before it.
 */
class CleanRestartTest {

    private static final Path DATA = Path.of("/simulated/clean-restart");
    private static final int PARTITIONS = 20;

    @Test
    void aCleanStopFsyncsOnlyThePartitionsWrittenSinceTheCleanStart() throws IOException {
        SimulatedDisk disk = new SimulatedDisk(DATA, new Random(42));
        Map<TopicPartition, LogConfig> all = new LinkedHashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            all.put(new TopicPartition("many", p), LogConfig.DEFAULT.withFlushMode(FlushMode.NONE));
        }
        TopicPartition written = new TopicPartition("many", 3);
        try (LogManager first = start(disk)) {
            Map<TopicPartition, PartitionLog> logs = first.openAll(all);
            assertThat(logs).hasSize(PARTITIONS);
            for (PartitionLog log : logs.values()) {
                log.append(TestBatches.batch(1, "before"), FlushMode.NONE);
            }
        }
        LogManager second = start(disk);
        assertThat(second.startedAfterCleanShutdown()).isTrue();
        second.openAll(all).get(written).append(TestBatches.batch(2, "during"), FlushMode.NONE);
        long before = disk.syncs();
        second.close();
        // One partition's log, indexes and directory, two checkpoints and the clean marker: not one per partition.
        assertThat(disk.syncs() - before).isLessThan(PARTITIONS);

        disk.powerCut();
        try (LogManager third = start(disk)) {
            assertThat(third.startedAfterCleanShutdown()).isTrue();
            Map<TopicPartition, PartitionLog> logs = third.openAll(all);
            for (Map.Entry<TopicPartition, PartitionLog> log : logs.entrySet()) {
                long expected = log.getKey().equals(written) ? 2 : 1;
                assertThat(log.getValue().logEndOffset()).as("%s", log.getKey()).isEqualTo(expected);
                assertThat(TestBatches.readAll(log.getValue(), 0, 1 << 16)).hasSize((int) expected);
            }
        }
    }

    @Test
    void whenOnePartitionCannotBeOpenedNoneOfTheBatchStaysOpen() throws IOException {
        SimulatedDisk disk = new SimulatedDisk(DATA, new Random(7));
        Map<TopicPartition, LogConfig> wanted = new LinkedHashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            wanted.put(new TopicPartition("many", p), LogConfig.DEFAULT);
        }
        try (LogManager manager = start(disk)) {
            disk.failNext(SimulatedDisk.Fault.OPEN);
            assertThatThrownBy(() -> manager.openAll(wanted)).isInstanceOf(IOException.class);
            assertThat(manager.partitions()).isEmpty();
            assertThat(manager.openAll(wanted)).hasSize(PARTITIONS);
        }
    }

    private static LogManager start(SimulatedDisk disk) throws IOException {
        return new LogManager(DATA, LogManagerOptions.DEFAULT.withFiles(disk.files())
                .withRetentionCheckInterval(Duration.ofHours(1)));
    }
}
