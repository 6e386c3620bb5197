package dev.backbone.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.client.batch.RecordBatchDecoder;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogConfig;
import dev.backbone.server.log.LogManager;
import dev.backbone.server.log.LogManagerOptions;
import dev.backbone.server.log.LogSlice;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import dev.backbone.server.log.io.SimulatedDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The key index through power cuts on a {@link dev.backbone.server.log.io.SimulatedDisk}: after each cut and
 * restart, every key's version and stream must agree with the keyed records the recovered log holds, whatever of
 * the index's own files (chain, snapshot) the cut kept. Seeded ({@code -Dbackbone.powerCut.seed}), 60 cuts.
 */
class KeyIndexPowerCutTest {

    private static final Path DATA = Path.of("/simulated/key-index");
    private static final TopicPartition TP = new TopicPartition("accounts", 0);
    private static final int KEYS = 6;
    private static final int CUTS = 60;

    @Test
    void theKeyIndexAgreesWithTheRecoveredLogAfterEveryCut() throws IOException {
        long seed = Long.getLong("backbone.powerCut.seed", System.nanoTime());
        System.out.println("KeyIndexPowerCutTest seed " + seed + ", " + CUTS + " cuts");
        SimulatedDisk disk = new SimulatedDisk(DATA, new Random(seed));
        Random random = new Random(~seed);
        LogConfig config = LogConfig.DEFAULT.withSegmentBytes(4096).withFlushMode(FlushMode.SYNC);
        int checked = 0;
        for (int cut = 0; cut < CUTS; cut++) {
            int cutsBefore = disk.cuts();
            LogManager manager = null;
            PartitionKeyIndex keys = null;
            try {
                manager = new LogManager(DATA, LogManagerOptions.DEFAULT.withFiles(disk.files())
                        .withRetentionCheckInterval(Duration.ofHours(1)));
                PartitionLog log = manager.openOrCreate(TP, config);
                keys = PartitionKeyIndex.open(log, KeyHasher.XXH64, Runnable::run);
                check(log, keys, "seed " + seed + ", after cut " + cut);
                checked++;
                disk.cutAfterOperations(random.nextInt(200));
                for (int i = 0; i < 100; i++) {
                    log.append(batch(random), FlushMode.SYNC);
                }
            } catch (IOException | RuntimeException e) {
                if (disk.cuts() == cutsBefore) {
                    throw e;
                }
            }
            if (disk.cuts() == cutsBefore) {
                disk.powerCut();
            }
            closeQuietly(keys, manager);
        }
        assertThat(checked).isGreaterThan(CUTS / 2);
    }

    private static ByteBuffer batch(Random random) {
        RecordBatchBuilder builder = new RecordBatchBuilder();
        int records = 1 + random.nextInt(3);
        for (int i = 0; i < records; i++) {
            byte[] key = ("key-" + random.nextInt(KEYS)).getBytes(StandardCharsets.UTF_8);
            byte[] value = new byte[1 + random.nextInt(200)];
            random.nextBytes(value);
            builder.add(1_700_000_000_000L, key, value, List.of());
        }
        return builder.build();
    }

    /** Every key's version is its number of records in the log less one, and its stream lists those offsets. */
    private static void check(PartitionLog log, PartitionKeyIndex keys, String context) throws IOException {
        Map<String, List<Long>> offsetsByKey = new HashMap<>();
        for (Record record : readAll(log)) {
            offsetsByKey.computeIfAbsent(new String(record.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(record.offset());
        }
        for (int k = 0; k < KEYS; k++) {
            String key = "key-" + k;
            List<Long> expected = offsetsByKey.getOrDefault(key, List.of());
            byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
            assertThat(keys.version(keyBytes)).as("%s: version of %s", context, key).isEqualTo(expected.size() - 1);
            if (!expected.isEmpty()) {
                List<Long> streamed = keys.read(keyBytes, 0, Integer.MAX_VALUE).records().stream()
                        .map(v -> v.record().offset()).toList();
                assertThat(streamed).as("%s: stream of %s", context, key).isEqualTo(expected);
            }
        }
    }

    private static List<Record> readAll(PartitionLog log) throws IOException {
        List<Record> records = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            LogSlice slice = log.read(offset, 1 << 16);
            ByteBuffer bytes = ByteBuffer.allocate(slice.sizeBytes());
            try (FileChannel channel = slice.openChannel()) {
                while (bytes.hasRemaining()) {
                    if (channel.read(bytes, slice.position() + bytes.position()) < 0) {
                        throw new IOException("short read of " + slice);
                    }
                }
            }
            for (Record record : RecordBatchDecoder.decodeAll(bytes.flip())) {
                if (record.offset() >= offset) {
                    records.add(record);
                }
            }
            offset = slice.nextOffset();
        }
        return records;
    }

    private static void closeQuietly(PartitionKeyIndex keys, LogManager manager) {
        try {
            if (keys != null) {
                keys.close();
            }
        } catch (IOException | RuntimeException dead) {
            // the disk under it is gone
        }
        try {
            if (manager != null) {
                manager.close();
            }
        } catch (IOException | RuntimeException dead) {
            // the disk under it is gone
        }
    }
}
