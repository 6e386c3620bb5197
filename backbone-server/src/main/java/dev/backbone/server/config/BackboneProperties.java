package dev.backbone.server.config;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the broker, under the {@code backbone} prefix.
 *
 * <p>Thread safety: bound once at start-up, then only read.
 */
@ConfigurationProperties("backbone")
public class BackboneProperties {

    /** Directory holding the partition logs and topic metadata. */
    private Path dataDir = Path.of("./data");

    private final Topics topics = new Topics();
    private final Limits limits = new Limits();
    private final LongPoll longPoll = new LongPoll();
    private final Storage storage = new Storage();

    public Path getDataDir() {
        return dataDir;
    }

    public void setDataDir(Path dataDir) {
        this.dataDir = dataDir;
    }

    public Topics getTopics() {
        return topics;
    }

    public Limits getLimits() {
        return limits;
    }

    public LongPoll getLongPoll() {
        return longPoll;
    }

    public Storage getStorage() {
        return storage;
    }

    /** How topics are created. */
    public static class Topics {

        /** Whether producing to a missing topic creates it (internal '__' topics are never auto-created). */
        private boolean autoCreate = true;

        /** Partition count of a topic created without one, by auto-creation or by a create request. */
        private int defaultPartitions = 1;

        /** The most partitions one topic may have. */
        private int maxPartitions = 1024;

        public boolean isAutoCreate() {
            return autoCreate;
        }

        public void setAutoCreate(boolean autoCreate) {
            this.autoCreate = autoCreate;
        }

        public int getDefaultPartitions() {
            return defaultPartitions;
        }

        public void setDefaultPartitions(int defaultPartitions) {
            this.defaultPartitions = defaultPartitions;
        }

        public int getMaxPartitions() {
            return maxPartitions;
        }

        public void setMaxPartitions(int maxPartitions) {
            this.maxPartitions = maxPartitions;
        }
    }

    /** Size limits of requests and answers. */
    public static class Limits {

        /** Largest record a produce accepts: key, value and header bytes together. */
        private DataSize maxRecordBytes = DataSize.ofMegabytes(1);

        /** Largest record batch; the default 'max.message.bytes' of topics. */
        private DataSize maxBatchBytes = DataSize.ofMegabytes(8);

        /** Largest produce request body. */
        private DataSize maxRequestBytes = DataSize.ofMegabytes(8);

        /** Bytes a consume returns when it names no maxBytes. */
        private DataSize defaultFetchBytes = DataSize.ofMegabytes(1);

        /** Most bytes one consume answer carries; a larger maxBytes is lowered to this. */
        private DataSize maxFetchBytes = DataSize.ofMegabytes(64);

        /** Most consumes one principal may have parked in long polls at once; one more is answered 429. */
        private int maxWaitersPerPrincipal = 10_000;

        public DataSize getMaxRecordBytes() {
            return maxRecordBytes;
        }

        public void setMaxRecordBytes(DataSize maxRecordBytes) {
            this.maxRecordBytes = maxRecordBytes;
        }

        public DataSize getMaxBatchBytes() {
            return maxBatchBytes;
        }

        public void setMaxBatchBytes(DataSize maxBatchBytes) {
            this.maxBatchBytes = maxBatchBytes;
        }

        public DataSize getMaxRequestBytes() {
            return maxRequestBytes;
        }

        public void setMaxRequestBytes(DataSize maxRequestBytes) {
            this.maxRequestBytes = maxRequestBytes;
        }

        public DataSize getDefaultFetchBytes() {
            return defaultFetchBytes;
        }

        public void setDefaultFetchBytes(DataSize defaultFetchBytes) {
            this.defaultFetchBytes = defaultFetchBytes;
        }

        public DataSize getMaxFetchBytes() {
            return maxFetchBytes;
        }

        public void setMaxFetchBytes(DataSize maxFetchBytes) {
            this.maxFetchBytes = maxFetchBytes;
        }

        public int getMaxWaitersPerPrincipal() {
            return maxWaitersPerPrincipal;
        }

        public void setMaxWaitersPerPrincipal(int maxWaitersPerPrincipal) {
            this.maxWaitersPerPrincipal = maxWaitersPerPrincipal;
        }
    }

    /** Long-poll consume. */
    public static class LongPoll {

        /** Longest a consume waits for records, whatever its maxWaitMs asks. */
        private Duration maxWait = Duration.ofSeconds(30);

        public Duration getMaxWait() {
            return maxWait;
        }

        public void setMaxWait(Duration maxWait) {
            this.maxWait = maxWait;
        }
    }

    /** The data directory's disk and the threads that use it. */
    public static class Storage {

        /** Free space kept in reserve: below it, writes are refused with 507 and reads go on. */
        private DataSize minFreeBytes = DataSize.ofMegabytes(64);

        /** Threads for blocking engine calls (appends, fsync waits, topic creation); at least 1. */
        private int blockingThreads = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());

        /** Threads for log reads; at least 1. */
        private int readThreads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

        /** Interval of the background retention check. */
        private Duration retentionCheckInterval = Duration.ofMinutes(5);

        /** Delay between a segment leaving the log and its files being removed, so in-flight reads finish. */
        private Duration fileDeleteDelay = Duration.ofMinutes(1);

        /**
         * Segment and key index chain files kept open at most; beyond it the ones idle longest are closed (and
         * reopened when used). 0 chooses half the process's open-file limit ({@code ulimit -n}).
         */
        private int maxOpenSegmentFiles;

        public DataSize getMinFreeBytes() {
            return minFreeBytes;
        }

        public void setMinFreeBytes(DataSize minFreeBytes) {
            this.minFreeBytes = minFreeBytes;
        }

        public int getBlockingThreads() {
            return blockingThreads;
        }

        public void setBlockingThreads(int blockingThreads) {
            this.blockingThreads = blockingThreads;
        }

        public int getReadThreads() {
            return readThreads;
        }

        public void setReadThreads(int readThreads) {
            this.readThreads = readThreads;
        }

        public Duration getRetentionCheckInterval() {
            return retentionCheckInterval;
        }

        public void setRetentionCheckInterval(Duration retentionCheckInterval) {
            this.retentionCheckInterval = retentionCheckInterval;
        }

        public Duration getFileDeleteDelay() {
            return fileDeleteDelay;
        }

        public void setFileDeleteDelay(Duration fileDeleteDelay) {
            this.fileDeleteDelay = fileDeleteDelay;
        }

        public int getMaxOpenSegmentFiles() {
            return maxOpenSegmentFiles;
        }

        public void setMaxOpenSegmentFiles(int maxOpenSegmentFiles) {
            this.maxOpenSegmentFiles = maxOpenSegmentFiles;
        }
    }
}
