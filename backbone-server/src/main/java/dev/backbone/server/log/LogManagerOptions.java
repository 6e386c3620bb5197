package dev.backbone.server.log;

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
 */
public record LogManagerOptions(Duration retentionCheckInterval, Duration fileDeleteDelay, Clock clock,
                                StorageFiles files) {

    public static final LogManagerOptions DEFAULT = new LogManagerOptions(Duration.ofMinutes(1),
            Duration.ofMinutes(1), Clock.systemUTC());

    public LogManagerOptions(Duration retentionCheckInterval, Duration fileDeleteDelay, Clock clock) {
        this(retentionCheckInterval, fileDeleteDelay, clock, StorageFiles.real());
    }

    public LogManagerOptions {
        Objects.requireNonNull(retentionCheckInterval, "retentionCheckInterval");
        Objects.requireNonNull(files, "files");
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
        return new LogManagerOptions(value, fileDeleteDelay, clock, files);
    }

    public LogManagerOptions withFileDeleteDelay(Duration value) {
        return new LogManagerOptions(retentionCheckInterval, value, clock, files);
    }

    public LogManagerOptions withClock(Clock value) {
        return new LogManagerOptions(retentionCheckInterval, fileDeleteDelay, value, files);
    }

    public LogManagerOptions withFiles(StorageFiles value) {
        return new LogManagerOptions(retentionCheckInterval, fileDeleteDelay, clock, value);
    }
}
