package dev.backbone.server.topic;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import dev.backbone.server.log.FsyncFailedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Refuses writes while the data directory's file system has less free space than configured, so that a full
 * disk is met with a clear 507 before a write half-fails, and reads go on. Also turns an I/O failure of an append
 * into the same 507 answer (the engine has already put the log back as it was), or, for a failed fsync after the
 * write, into a 500 that says the records' fate is unknown.
 *
 * <p>The free space is asked of the file system at most every {@code refreshNanos}, since a produce-heavy load would
 * otherwise make a {@code statfs} call per request.
 *
 * <p>Thread safety: thread-safe; the cached reading is a benign race (two threads may both refresh it).
 */
public final class StorageGuard {

    private static final long REFRESH_NANOS = 100_000_000L;

    private final Path dataDir;
    private final long minFreeBytes;
    private final LongSupplier freeSpace;
    private volatile long cachedFreeBytes;
    private volatile long cachedAtNanos;
    private volatile boolean cached;

    public StorageGuard(Path dataDir, long minFreeBytes) throws IOException {
        this(dataDir, minFreeBytes, usableSpace(Files.getFileStore(dataDir)));
    }

    StorageGuard(Path dataDir, long minFreeBytes, LongSupplier freeSpace) {
        if (minFreeBytes < 0) {
            throw new IllegalArgumentException("minFreeBytes must be >= 0, was " + minFreeBytes);
        }
        this.dataDir = dataDir;
        this.minFreeBytes = minFreeBytes;
        this.freeSpace = freeSpace;
    }

    public Path dataDir() {
        return dataDir;
    }

    public long minFreeBytes() {
        return minFreeBytes;
    }

    /** The usable bytes left on the data directory's file system, read now. */
    public long freeBytes() {
        long free = freeSpace.getAsLong();
        cachedFreeBytes = free;
        cachedAtNanos = System.nanoTime();
        cached = true;
        return free;
    }

    /** Whether a write would be accepted now. */
    public boolean writable() {
        long now = System.nanoTime();
        long free = cached && now - cachedAtNanos < REFRESH_NANOS ? cachedFreeBytes : freeBytes();
        return free >= minFreeBytes;
    }

    /** @throws BackboneException {@link ProblemType#INSUFFICIENT_STORAGE} when free space is below the threshold */
    public void checkWritable() {
        if (!writable()) {
            throw new BackboneException(ProblemType.INSUFFICIENT_STORAGE, "the data directory has "
                    + cachedFreeBytes + " bytes free, below the " + minFreeBytes
                    + " bytes kept in reserve; writes are refused until space is freed, reads go on",
                    Map.of("freeBytes", cachedFreeBytes, "minFreeBytes", minFreeBytes));
        }
    }

    /**
     * The answer to an append the file system refused: 507, the log is unchanged; or, when only the fsync after
     * the write failed ({@link FsyncFailedException}), 500 {@link ProblemType#DURABILITY_UNKNOWN}, since the
     * records are in the file and may or may not survive a restart.
     */
    public BackboneException writeFailed(String what, IOException cause) {
        cached = false;
        if (cause instanceof FsyncFailedException) {
            return new BackboneException(ProblemType.DURABILITY_UNKNOWN, "the records were written to " + what
                    + " but the fsync that makes them durable failed: " + cause.getMessage() + "; they may or may"
                    + " not be there after a restart, and the partition refuses writes until the broker restarts",
                    Map.of("reason", String.valueOf(cause.getMessage())), cause);
        }
        return new BackboneException(ProblemType.INSUFFICIENT_STORAGE, "the disk refused the write to " + what
                + ": " + cause.getMessage() + "; nothing was appended, reads go on",
                Map.of("reason", String.valueOf(cause.getMessage())), cause);
    }

    private static LongSupplier usableSpace(FileStore store) {
        return () -> {
            try {
                return store.getUsableSpace();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read free space of " + store, e);
            }
        };
    }
}
