package dev.backbone.server.log;

import dev.backbone.server.log.io.OpenFileLimit;
import dev.backbone.server.log.io.StorageFiles;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link LogManager} as a whole; immutable.
 *
 * @param retentionCheckInterval how often the background task applies retention and writes checkpoints
 * @param fileDeleteDelay        how long a deleted segment's files stay (renamed {@code .deleted}) before they
 *                               are removed, so that readers already sending them (sendfile) can finish
 * @param clock                  the time source for retention by age and roll by age
 * @param files                  the file system the logs live on: the real one, or a simulated disk in tests
 * @param maxOpenSegmentFiles    how many segment and key chain files may stay open; the ones idle longest are
 *                               closed beyond it (reopened when used). 0 chooses half the process's open-file limit
 */
public record LogManagerOptions(Duration retentionCheckInterval, Duration fileDeleteDelay, Clock clock,
                                StorageFiles files, int maxOpenSegmentFiles) {

    public static final LogManagerOptions DEFAULT = new LogManagerOptions(Duration.ofMinutes(1),
            Duration.ofMinutes(1), Clock.systemUTC());

    public LogManagerOptions(Duration retentionCheckInterval, Duration fileDeleteDelay, Clock clock) {
        this(retentionCheckInterval, fileDeleteDelay, clock, StorageFiles.real(), 0);
    }

    public LogManagerOptions {
        Objects.requireNonNull(retentionCheckInterval, "retentionCheckInterval");
        Objects.requireNonNull(files, "files");
        if (maxOpenSegmentFiles < 0) {
            throw new IllegalArgumentException("maxOpenSegmentFiles must be >= 0, was " + maxOpenSegmentFiles);
        }
        Objects.requireNonNull(fileDeleteDelay, "fileDeleteDelay");
        Objects.requireNonNull(clock, "clock");
        if (retentionCheckInterval.isNegative() || retentionCheckInterval.isZero()) {
            throw new IllegalArgumentException("retentionCheckInterval must be > 0, was " + retentionCheckInterval);
        }
        if (fileDeleteDelay.isNegative()) {
            throw new IllegalArgumentException("fileDeleteDelay must be >= 0, was " + fileDeleteDelay);
        }
    }

    public LogManagerOptions withRetentionCheckInterval(Duration value) {
        return new LogManagerOptions(value, fileDeleteDelay, clock, files, maxOpenSegmentFiles);
    }

    public LogManagerOptions withFileDeleteDelay(Duration value) {
        return new LogManagerOptions(retentionCheckInterval, value, clock, files, maxOpenSegmentFiles);
    }

    public LogManagerOptions withClock(Clock value) {
        return new LogManagerOptions(retentionCheckInterval, fileDeleteDelay, value, files, maxOpenSegmentFiles);
    }

    public LogManagerOptions withFiles(StorageFiles value) {
        return new LogManagerOptions(retentionCheckInterval, fileDeleteDelay, clock, value, maxOpenSegmentFiles);
    }

    public LogManagerOptions withMaxOpenSegmentFiles(int value) {
        return new LogManagerOptions(retentionCheckInterval, fileDeleteDelay, clock, files, value);
    }

    /** {@link #maxOpenSegmentFiles}, with 0 resolved: half the open-file limit, 4096 where the limit is unknown. */
    public int resolvedMaxOpenSegmentFiles() {
        if (maxOpenSegmentFiles > 0) {
            return maxOpenSegmentFiles;
        }
        long limit = OpenFileLimit.maxFileDescriptors();
        return limit <= 0 ? 4096 : (int) Math.max(16, Math.min(Integer.MAX_VALUE, limit / 2));
    }
}
