package dev.backbone.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogConfig;
import dev.backbone.server.log.LogManager;
import dev.backbone.server.log.LogManagerOptions;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import dev.backbone.server.log.io.SimulatedDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Retention deletes the segments of a key's oldest records while the key index's chain (which is not fsynced as
 * records are indexed) still holds their only trace: a power cut must not make the key's version fall back to
 * a count of the records the log still holds.
 */
class KeyIndexRetentionPowerCutTest {

    private static final Path DATA = Path.of("/simulated/key-index-retention");
    private static final TopicPartition TP = new TopicPartition("accounts", 0);
    private static final byte[] KEY = "account-1".getBytes(StandardCharsets.UTF_8);
    private static final LogConfig CONFIG = LogConfig.DEFAULT.withSegmentBytes(1024).withRetentionBytes(2048)
            .withFlushMode(FlushMode.SYNC);

    @Test
    void versionsSurviveAPowerCutAfterRetention() throws IOException {
        SimulatedDisk disk = new SimulatedDisk(DATA, new NothingUnsyncedSurvives());
        LogManager manager = open(disk);
        PartitionLog log = manager.openOrCreate(TP, CONFIG);
        PartitionKeyIndex keys = PartitionKeyIndex.open(log, KeyHasher.XXH64, Runnable::run);
        append(log, 60);
        assertThat(manager.applyRetention()).isPositive();
        assertThat(log.logStartOffset()).isPositive();
        // Later appends roll segments, and the directory fsync of a roll makes the deletions durable too.
        append(log, 20);
        assertThat(keys.version(KEY)).isEqualTo(79);
        disk.powerCut();
        abandon(keys, manager);

        try (LogManager reopened = open(disk)) {
            PartitionLog recovered = reopened.openOrCreate(TP, CONFIG);
            assertThat(recovered.logEndOffset()).as("every append was acknowledged after its fsync").isEqualTo(80);
            try (PartitionKeyIndex recoveredKeys = PartitionKeyIndex.open(recovered, KeyHasher.XXH64,
                    Runnable::run)) {
                assertThat(recoveredKeys.version(KEY)).as("versions count the records retention deleted")
                        .isEqualTo(79);
            }
        }
    }

    private static LogManager open(SimulatedDisk disk) throws IOException {
        return new LogManager(DATA, LogManagerOptions.DEFAULT.withFiles(disk.files())
                .withRetentionCheckInterval(Duration.ofHours(1)));
    }

    private static void append(PartitionLog log, int records) throws IOException {
        for (int i = 0; i < records; i++) {
            RecordBatchBuilder builder = new RecordBatchBuilder();
            builder.add(1_700_000_000_000L, KEY, new byte[100], List.of());
            log.append(builder.build(), FlushMode.SYNC);
        }
    }

    /** Closes what ran on the disk that lost power: the closes can only fail. */
    private static void abandon(PartitionKeyIndex keys, LogManager manager) {
        try {
            keys.close();
        } catch (IOException dead) {
            // the disk under it is gone
        }
        try {
            manager.close();
        } catch (IOException | RuntimeException dead) {
            // the disk under it is gone
        }
    }

    /** The harshest power cut the disk's model allows: of what was not fsynced, nothing survives. */
    private static final class NothingUnsyncedSurvives extends Random {
        @Override
        public int nextInt(int bound) {
            return 0;
        }
    }
}
