package dev.backbone.server.log;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The child JVM of {@link WriteFailureTest}, started under {@code ulimit -f}: appends 10 KiB batches until the
 * file system refuses the write, then checks the log is still whole and takes a smaller batch.
 */
public final class DiskFullAppender {

    static final TopicPartition TP = new TopicPartition("full", 0);
    static final LogConfig CONFIG = LogConfig.DEFAULT.withIndexIntervalBytes(4096);

    private DiskFullAppender() {
    }

    public static void main(String[] args) throws Exception {
        try (LogManager manager = new LogManager(Path.of(args[0]), LogManagerOptions.DEFAULT)) {
            PartitionLog log = manager.openOrCreate(TP, CONFIG);
            long acknowledged = 0;
            IOException refusal = null;
            for (int i = 0; i < 10_000 && refusal == null; i++) {
                try {
                    log.append(TestBatches.sized(i, 10, 1000), i % 2 == 0 ? FlushMode.SYNC : FlushMode.NONE);
                    acknowledged = log.logEndOffset();
                } catch (IOException e) {
                    refusal = e;
                }
            }
            System.out.println("REFUSED " + acknowledged + " " + log.sizeBytes() + " " + refusal);
            System.out.println("END " + log.logEndOffset());
            log.append(TestBatches.sized(0, 1, 500), FlushMode.SYNC);
            System.out.println("AFTER " + log.logEndOffset() + " " + log.sizeBytes());
        }
        System.out.println("CLOSED");
    }
}
