package dev.backbone.server.audit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.server.log.AppendResult;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogConfig;
import dev.backbone.server.log.LogManager;
import dev.backbone.server.log.LogManagerOptions;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;

/**
 * The process {@link ChainCrashTest} kills: appends to an audited partition (small segments, retention every
 * 100 ms) and prints {@code ACK <last offset>} after each acknowledged append, until it is killed.
 */
public final class ChainCrashChild {

    static final TopicPartition TP = new TopicPartition("audited", 0);
    static final LogConfig CONFIG = LogConfig.DEFAULT.withSegmentBytes(8 * 1024).withRetentionBytes(48 * 1024);
    static final LogManagerOptions OPTIONS = LogManagerOptions.DEFAULT
            .withRetentionCheckInterval(Duration.ofMillis(100)).withFileDeleteDelay(Duration.ZERO);
    /** Bounds the child's work should nobody kill it. */
    private static final int MAX_APPENDS = 50_000;

    private ChainCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        Random random = new Random(Long.parseLong(args[1]));
        ExecutorService sync = Executors.newSingleThreadExecutor();
        LogManager manager = new LogManager(dataDir, OPTIONS);
        PartitionLog log = manager.openOrCreate(TP, CONFIG);
        PartitionChain.attach(log, sync);
        for (int i = 0; i < MAX_APPENDS; i++) {
            RecordBatchBuilder builder = new RecordBatchBuilder();
            for (int r = 0, n = 1 + random.nextInt(4); r < n; r++) {
                byte[] value = new byte[20 + random.nextInt(400)];
                random.nextBytes(value);
                builder.add(System.currentTimeMillis(), null, value, List.of());
            }
            AppendResult result = log.append(builder.build(), random.nextBoolean() ? FlushMode.SYNC : FlushMode.NONE);
            System.out.println("ACK " + result.lastOffset());
            System.out.flush();
        }
        System.exit(3);
    }
}
