package dev.backbone.server.audit;

import static dev.backbone.server.audit.ChainDescriptor.ENTRY_SIZE;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.backbone.server.log.io.StorageFiles;

/**
 * One segment's {@code .chain} file: fixed-size entries addressed by index (layout in {@link ChainDescriptor}).
 *
 * <p>Entries are written at {@code index * ENTRY_SIZE} with positional writes, so a failed or torn write is
 * simply overwritten by the next write at the same index.
 *
 * <p>Thread safety: one writer; concurrent readers may read entries the writer has finished (positional
 * reads on a shared channel are safe).
 */
public final class ChainFile implements AutoCloseable {

    private final Path path;
    private final FileChannel channel;

    private ChainFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Opens the file for reading and writing, creating it when missing. */
    public static ChainFile openForWrite(StorageFiles files, Path path) throws IOException {
        return new ChainFile(path, files.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE));
    }

    /** Opens an existing file read-only. */
    public static ChainFile openForRead(StorageFiles files, Path path) throws IOException {
        return new ChainFile(path, files.open(path, StandardOpenOption.READ));
    }

    public Path path() {
        return path;
    }

    /** Whole entries in the file, followed by {@link #hasTornFragment()} bytes that do not make one. */
    public int entryCount() throws IOException {
        long count = channel.size() / ENTRY_SIZE;
        if (count > Integer.MAX_VALUE) {
            throw new CorruptChainException(path, "more than " + Integer.MAX_VALUE + " entries: " + count);
        }
        return (int) count;
    }

    /** Whether the file ends in a fragment shorter than an entry (a torn write). */
    public boolean hasTornFragment() throws IOException {
        return channel.size() % ENTRY_SIZE != 0;
    }

    /**
     * Reads {@code count} entries from {@code firstIndex} into {@code into} (cleared first), leaving it ready to
     * read with the entries at positions {@code 0, ENTRY_SIZE, ...}.
     */
    public void readEntries(int firstIndex, int count, ByteBuffer into) throws IOException {
        into.clear().limit(count * ENTRY_SIZE);
        long filePosition = (long) firstIndex * ENTRY_SIZE;
        while (into.hasRemaining()) {
            int n = channel.read(into, filePosition);
            if (n < 0) {
                throw new EOFException(path + ": entry " + (firstIndex + count - 1) + " is past the end ("
                        + channel.size() + " bytes)");
            }
            filePosition += n;
        }
        into.flip();
    }

    /** Reads the entry at {@code index}; {@code null} when it is torn (its CRC does not match). */
    public ChainEntry readEntry(int index) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(ENTRY_SIZE);
        readEntries(index, 1, buf);
        return ChainEntry.isIntact(buf, 0) ? ChainEntry.read(buf, 0) : null;
    }

    /** Writes the whole entries in {@code entries} (position to limit) starting at entry {@code index}. */
    public void write(int index, ByteBuffer entries) throws IOException {
        if (entries.remaining() % ENTRY_SIZE != 0) {
            throw new IllegalArgumentException("not a whole number of entries: " + entries.remaining() + " bytes");
        }
        long filePosition = (long) index * ENTRY_SIZE;
        while (entries.hasRemaining()) {
            filePosition += channel.write(entries, filePosition);
        }
    }

    /** Drops every entry from {@code count} on, and any torn fragment. */
    public void truncate(int count) throws IOException {
        channel.truncate((long) count * ENTRY_SIZE);
    }

    public void force() throws IOException {
        channel.force(true);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
