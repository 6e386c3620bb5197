package dev.backbone.server.log;

import dev.backbone.client.batch.RecordBatchDescriptor;

/**
 * One partition log's settings; immutable, sizes in bytes and times in milliseconds.
 *
 * @param segmentBytes       roll the active segment once it would grow past this size
 * @param segmentMs          roll the active segment once its first batch is this old
 * @param retentionMs        delete closed segments whose newest record is older than this; -1 keeps all
 * @param retentionBytes     delete the oldest closed segments while the log is larger than this; -1 keeps all
 * @param flushMode          the default acknowledgement mode of appends
 * @param indexIntervalBytes bytes between two entries of the sparse offset and time indexes
 * @param maxBatchBytes      the largest batch accepted
 */
public record LogConfig(long segmentBytes, long segmentMs, long retentionMs, long retentionBytes,
                        FlushMode flushMode, int indexIntervalBytes, int maxBatchBytes) {

    public static final LogConfig DEFAULT = new LogConfig(1L << 30, 7L * 24 * 3600 * 1000,
            7L * 24 * 3600 * 1000, -1, FlushMode.NONE, 4096, 8 * 1024 * 1024);

    public LogConfig {
        if (segmentBytes < 1024) {
            throw new IllegalArgumentException("segmentBytes must be >= 1024, was " + segmentBytes);
        }
        if (segmentMs <= 0) {
            throw new IllegalArgumentException("segmentMs must be > 0, was " + segmentMs);
        }
        if (retentionMs < -1 || retentionMs == 0) {
            throw new IllegalArgumentException("retentionMs must be > 0 or -1, was " + retentionMs);
        }
        if (retentionBytes < -1 || retentionBytes == 0) {
            throw new IllegalArgumentException("retentionBytes must be > 0 or -1, was " + retentionBytes);
        }
        if (flushMode == null) {
            throw new IllegalArgumentException("flushMode must be set");
        }
        if (indexIntervalBytes < 1) {
            throw new IllegalArgumentException("indexIntervalBytes must be >= 1, was " + indexIntervalBytes);
        }
        if (maxBatchBytes < RecordBatchDescriptor.HEADER_SIZE) {
            throw new IllegalArgumentException("maxBatchBytes must be >= " + RecordBatchDescriptor.HEADER_SIZE
                    + ", was " + maxBatchBytes);
        }
    }

    public LogConfig withSegmentBytes(long value) {
        return new LogConfig(value, segmentMs, retentionMs, retentionBytes, flushMode, indexIntervalBytes,
                maxBatchBytes);
    }

    public LogConfig withSegmentMs(long value) {
        return new LogConfig(segmentBytes, value, retentionMs, retentionBytes, flushMode, indexIntervalBytes,
                maxBatchBytes);
    }

    public LogConfig withRetentionMs(long value) {
        return new LogConfig(segmentBytes, segmentMs, value, retentionBytes, flushMode, indexIntervalBytes,
                maxBatchBytes);
    }

    public LogConfig withRetentionBytes(long value) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, value, flushMode, indexIntervalBytes,
                maxBatchBytes);
    }

    public LogConfig withFlushMode(FlushMode value) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, value, indexIntervalBytes,
                maxBatchBytes);
    }

    public LogConfig withIndexIntervalBytes(int value) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, flushMode, value,
                maxBatchBytes);
    }

    public LogConfig withMaxBatchBytes(int value) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, flushMode, indexIntervalBytes,
                value);
    }
}
