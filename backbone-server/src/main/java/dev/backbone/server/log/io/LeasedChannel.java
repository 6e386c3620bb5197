package dev.backbone.server.log.io;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The channel of a file the broker keeps for a long time (a segment's {@code .log}, a key index's chain), open
 * while it is used and closed by the {@link OpenFileBudget} once it has been idle longest, so that ten thousand
 * quiet partitions do not hold ten thousand descriptors.
 *
 * <p>Every use is a lease: {@link #acquire} (reopening the file when the budget closed it) and {@link #release}.
 * The budget closes only a channel nobody holds, and fsyncs it first: Linux reports a failed write-back only to
 * descriptors open when it happened, so closing a file with unsynced data could hide the failure from the next
 * fsync.
 *
 * <p>Thread safety: all methods may be called from any thread; the channel and the lease count are guarded by
 * this object's monitor.
 */
public final class LeasedChannel {

    private final StorageFiles files;
    private final OpenFileBudget budget;
    private Path file;
    private FileChannel channel;
    private int leases;
    private boolean written;
    private boolean closed;
    private volatile long lastUsedNanos = System.nanoTime();

    /** Takes over {@code open}, the freshly opened channel of {@code file}. */
    public LeasedChannel(StorageFiles files, OpenFileBudget budget, Path file, FileChannel open) {
        this.files = files;
        this.budget = budget;
        this.file = file;
        this.channel = open;
        budget.opened(this);
    }

    /** The channel for reading, reopened when needed; pair with {@link #release}. */
    public FileChannel acquire() throws IOException {
        return acquire(false);
    }

    /**
     * The channel for writing or truncating, reopened when needed; pair with {@link #release}. The budget fsyncs
     * a channel written through before it closes it (a channel only read from is closed at once).
     */
    public FileChannel acquireForWrite() throws IOException {
        return acquire(true);
    }

    private FileChannel acquire(boolean write) throws IOException {
        FileChannel leased;
        boolean reopened = false;
        synchronized (this) {
            if (closed) {
                throw new ClosedChannelException();
            }
            if (channel == null) {
                channel = files.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                reopened = true;
            }
            leases++;
            written |= write;
            leased = channel;
        }
        lastUsedNanos = System.nanoTime();
        if (reopened) {
            budget.opened(this);
        }
        return leased;
    }

    public synchronized void release() {
        leases--;
    }

    long lastUsedNanos() {
        return lastUsedNanos;
    }

    /** Whether a descriptor is open now. */
    public synchronized boolean isOpen() {
        return channel != null;
    }

    /** The file was renamed (retention's {@code .deleted}): a reopening uses the new name. */
    public synchronized void renamedTo(Path renamed) {
        file = renamed;
    }

    /**
     * For the budget: closes the channel when nobody holds it, after an fsync if it was written through. A failed
     * fsync keeps it open (the next flush of the log reports the failure).
     *
     * @return true when a descriptor was closed
     */
    boolean closeIfIdle() {
        synchronized (this) {
            if (leases > 0 || channel == null) {
                return false;
            }
            if (written) {
                try {
                    channel.force(false);
                } catch (IOException e) {
                    return false;
                }
            }
            closeQuietly(channel);
            written = false;
            channel = null;
        }
        budget.closed(this);
        return true;
    }

    /** Closes for good; later {@link #acquire} calls throw {@link ClosedChannelException}. */
    public void close() throws IOException {
        FileChannel open;
        synchronized (this) {
            closed = true;
            open = channel;
            channel = null;
        }
        if (open != null) {
            budget.closed(this);
            open.close();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // A close after a successful fsync has nothing left to report.
        }
    }

    @Override
    public synchronized String toString() {
        return "LeasedChannel[" + file + (channel == null ? ", closed" : ", open") + ", " + leases + " leases]";
    }
}
