package dev.backbone.server.log;

import dev.backbone.client.batch.RecordBatchBuilder;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * The child JVM of {@link CrashDurabilityTest}: appends with flush SYNC from a few threads until it is killed,
 * printing {@code ACK <offset> <crc32 of value>} for every record of every acknowledged append.
 */
public final class CrashAppender {

    static final TopicPartition TP = new TopicPartition("crash", 0);
    static final LogConfig CONFIG = LogConfig.DEFAULT.withSegmentBytes(64 * 1024).withIndexIntervalBytes(1024)
            .withFlushMode(FlushMode.SYNC);

    private CrashAppender() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        int threads = Integer.parseInt(args[2]);
        LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT);
        PartitionLog log = manager.openOrCreate(TP, CONFIG);
        System.out.println("READY " + log.logEndOffset());
        System.out.flush();
        for (int t = 0; t < threads; t++) {
            Random random = new Random(seed * 31 + t);
            Thread thread = new Thread(() -> appendForever(log, random), "appender-" + t);
            thread.start();
        }
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void appendForever(PartitionLog log, Random random) {
        try {
            while (true) {
                int records = 1 + random.nextInt(3);
                byte[][] values = new byte[records][];
                RecordBatchBuilder builder = new RecordBatchBuilder();
                for (int i = 0; i < records; i++) {
                    values[i] = new byte[1 + random.nextInt(400)];
                    random.nextBytes(values[i]);
                    builder.add(System.currentTimeMillis(), null, values[i], List.of());
                }
                ByteBuffer batch = builder.build();
                AppendResult result = log.append(batch, FlushMode.SYNC);
                StringBuilder acks = new StringBuilder();
                for (int i = 0; i < records; i++) {
                    CRC32 crc = new CRC32();
                    crc.update(values[i]);
                    acks.append("ACK ").append(result.firstOffset() + i).append(' ').append(crc.getValue()).append('\n');
                }
                synchronized (System.out) {
                    System.out.print(acks);
                    System.out.flush();
                }
            }
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(3);
        }
    }
}
