package dev.backbone.server.stream;

import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogConfig;
import dev.backbone.server.log.LogManager;
import dev.backbone.server.log.LogManagerOptions;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;

/**
 * The process {@link KeyStreamCrashTest} kills: appends to key streams with expected versions, forever, and
 * prints {@code ACK <key> <version> <offset>} for each acknowledged append.
 */
public final class KeyStreamCrashChild {

    static final TopicPartition TP = new TopicPartition("crash", 0);
    static final LogConfig CONFIG = LogConfig.DEFAULT.withSegmentBytes(64 * 1024).withIndexIntervalBytes(512);

    private KeyStreamCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        Random random = new Random(Long.parseLong(args[1]));
        LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT);
        PartitionLog log = manager.openOrCreate(TP, CONFIG);
        PartitionKeyIndex keys = PartitionKeyIndex.open(log, KeyHasher.XXH64, Executors.newSingleThreadExecutor());
        System.out.println("READY");
        System.out.flush();
        for (long i = 0; i < 10_000_000; i++) {
            String key = "stream-" + random.nextInt(12);
            byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
            int expected = keys.version(keyBytes);
            int count = 1 + random.nextInt(3);
            RecordBatchBuilder builder = new RecordBatchBuilder();
            for (int r = 0; r < count; r++) {
                builder.add(i, keyBytes, (key + ":" + (expected + 1 + r)).getBytes(StandardCharsets.UTF_8), List.of());
            }
            FlushMode flush = random.nextInt(4) == 0 ? FlushMode.SYNC : FlushMode.NONE;
            long first = log.append(builder.build(), flush, next -> {
                if (keys.version(keyBytes) != expected) {
                    throw new IllegalStateException("lost the race");
                }
            }).firstOffset();
            for (int r = 0; r < count; r++) {
                System.out.println("ACK " + key + " " + (expected + 1 + r) + " " + (first + r));
            }
            System.out.flush();
        }
    }
}
