package dev.backbone.server.stream;

import static dev.backbone.server.stream.KeyChainDescriptor.CRC_COVERED_FROM;
import static dev.backbone.server.stream.KeyChainDescriptor.CRC_OFFSET;
import static dev.backbone.server.stream.KeyChainDescriptor.ENTRY_LENGTH_OFFSET;
import static dev.backbone.server.stream.KeyChainDescriptor.HEADER_SIZE;
import static dev.backbone.server.stream.KeyChainDescriptor.PREVIOUS_POSITION_OFFSET;
import static dev.backbone.server.stream.KeyChainDescriptor.RECORD_OFFSET_OFFSET;
import static dev.backbone.server.stream.KeyChainDescriptor.VERSION_OFFSET;

import dev.backbone.server.log.io.LeasedChannel;
import dev.backbone.server.log.io.OpenFileBudget;
import dev.backbone.server.log.io.StorageFiles;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The append-only file of key chain entries of one partition (layout in {@link KeyChainDescriptor}).
 *
 * <p>Entries are first gathered in a pending buffer and written with one positional write per
 * {@link #flush()}, so that indexing one append costs one system call however many keyed records it holds.
 * Pending entries are readable by the writer before they reach the file.
 *
 * <p>Thread safety: single writer. {@link #read(long)} of a position below {@link #flushedSize()} may run
 * concurrently with the writer and with other readers (positional reads); every other method must be called
 * by the writer, or under the lock that serializes writers.
 */
final class KeyChainFile implements Closeable {

    /** Bytes read speculatively with an entry's header so that short keys cost one read. */
    private static final int READ_AHEAD = 128;
    private static final int INITIAL_PENDING_BYTES = 1024;
    private static final int MAX_KEPT_PENDING_BYTES = 64 * 1024;

    private final Path path;
    private final LeasedChannel channel;
    private final CRC32C crc = new CRC32C();
    private volatile long flushedSize;
    // Small until entries arrive: ten thousand idle partitions must not each hold a large buffer.
    private ByteBuffer pending = ByteBuffer.allocate(INITIAL_PENDING_BYTES);

    private KeyChainFile(Path path, LeasedChannel channel, long size) {
        this.path = path;
        this.channel = channel;
        this.flushedSize = size;
    }

    /** Opens or creates the file; its whole content counts as written (recovery validates it with {@link #scan}). */
    static KeyChainFile open(StorageFiles files, OpenFileBudget budget, Path path) throws IOException {
        FileChannel channel = files.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        long size;
        try {
            size = channel.size();
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return new KeyChainFile(path, new LeasedChannel(files, budget, path, channel), size);
    }

    Path path() {
        return path;
    }

    /** Bytes in the file, without pending entries. */
    long flushedSize() {
        return flushedSize;
    }

    /** Bytes in the file plus pending entries: the position the next entry gets. */
    long size() {
        return flushedSize + pending.position();
    }

    /**
     * Adds an entry to the pending buffer.
     *
     * @return the entry's position in the file
     */
    long append(long offset, long previousPosition, int version, ByteBuffer key, int keyPosition, int keyLength) {
        int entryLength = KeyChainDescriptor.entryLength(keyLength);
        ensurePendingCapacity(entryLength);
        long position = size();
        int start = pending.position();
        pending.putInt(start + ENTRY_LENGTH_OFFSET, entryLength);
        pending.putLong(start + RECORD_OFFSET_OFFSET, offset);
        pending.putLong(start + PREVIOUS_POSITION_OFFSET, previousPosition);
        pending.putInt(start + VERSION_OFFSET, version);
        pending.put(start + HEADER_SIZE, key, keyPosition, keyLength);
        crc.reset();
        crc.update(pending.duplicate().position(start + CRC_COVERED_FROM).limit(start + entryLength));
        pending.putInt(start + CRC_OFFSET, (int) crc.getValue());
        pending.position(start + entryLength);
        return position;
    }

    /** Writes the pending entries to the file (page cache; see {@link #force()}). */
    void flush() throws IOException {
        if (pending.position() == 0) {
            return;
        }
        ByteBuffer toWrite = pending.duplicate().flip();
        long position = flushedSize;
        FileChannel ch = channel.acquireForWrite();
        try {
            while (toWrite.hasRemaining()) {
                position += ch.write(toWrite, position);
            }
        } finally {
            channel.release();
        }
        flushedSize = position;
        pending = pending.capacity() > MAX_KEPT_PENDING_BYTES ? ByteBuffer.allocate(INITIAL_PENDING_BYTES)
                : pending.clear();
    }

    /** Drops the pending entries; used when the append they describe is abandoned. */
    void discardPending() {
        pending.clear();
    }

    void force() throws IOException {
        FileChannel ch = channel.acquire();
        try {
            ch.force(false);
        } finally {
            channel.release();
        }
    }

    /** Cuts the file (and any pending entries) at {@code size}, which must be an entry boundary. */
    void truncate(long size) throws IOException {
        pending.clear();
        FileChannel ch = channel.acquireForWrite();
        try {
            if (size < ch.size()) {
                ch.truncate(size);
            }
        } finally {
            channel.release();
        }
        flushedSize = Math.min(flushedSize, size);
    }

    /** Reads the entry at {@code position}, from the file or from the pending buffer. */
    KeyChainEntry read(long position) throws IOException {
        if (position >= flushedSize) {
            return readPending(position);
        }
        ByteBuffer buf = ByteBuffer.allocate(READ_AHEAD);
        readFully(buf.limit(Math.min(READ_AHEAD, (int) Math.min(Integer.MAX_VALUE, flushedSize - position))),
                position);
        int entryLength = buf.getInt(ENTRY_LENGTH_OFFSET);
        if (entryLength < HEADER_SIZE || entryLength > flushedSize - position) {
            throw new IOException("key chain " + path + " has no valid entry at position " + position
                    + " (entry length " + entryLength + ", file size " + flushedSize + ")");
        }
        if (entryLength > READ_AHEAD) {
            ByteBuffer whole = ByteBuffer.allocate(entryLength);
            whole.put(buf.flip());
            readFully(whole, position + READ_AHEAD);
            buf = whole;
        }
        return decode(buf, 0, position);
    }

    /** Whether the entry at {@code position} holds exactly the given key bytes. */
    boolean keyEquals(long position, ByteBuffer key, int keyPosition, int keyLength) throws IOException {
        byte[] stored = read(position).key();
        if (stored.length != keyLength) {
            return false;
        }
        for (int i = 0; i < keyLength; i++) {
            if (stored[i] != key.get(keyPosition + i)) {
                return false;
            }
        }
        return true;
    }

    /** Bytes of entries added since the last {@link #flush()}. */
    int pendingBytes() {
        return pending.position();
    }

    /**
     * Reads entries from {@code fromPosition} to the end of the file, checking each one's length and CRC, and
     * stops at the first that is short or damaged or whose offset is {@code >= maxOffsetExclusive}.
     *
     * @return the position after the last entry accepted: where the file should be cut
     */
    long scan(long fromPosition, long maxOffsetExclusive, EntryVisitor visitor) throws IOException {
        long fileSize = fileSize();
        ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
        long bufStart = fromPosition;
        buf.limit(0);
        long position = fromPosition;
        while (position + HEADER_SIZE <= fileSize) {
            int rel = (int) (position - bufStart);
            if (rel + HEADER_SIZE > buf.limit()) {
                bufStart = position;
                rel = 0;
                buf = refill(buf, position, fileSize, HEADER_SIZE);
            }
            int entryLength = buf.getInt(rel + ENTRY_LENGTH_OFFSET);
            if (entryLength < HEADER_SIZE || entryLength > fileSize - position) {
                break;
            }
            if (rel + entryLength > buf.limit()) {
                bufStart = position;
                rel = 0;
                buf = refill(buf, position, fileSize, entryLength);
            }
            crc.reset();
            crc.update(buf.duplicate().position(rel + CRC_COVERED_FROM).limit(rel + entryLength));
            if ((int) crc.getValue() != buf.getInt(rel + CRC_OFFSET)) {
                break;
            }
            KeyChainEntry entry = decode(buf, rel, position);
            if (entry.offset() >= maxOffsetExclusive) {
                break;
            }
            if (!visitor.accept(entry)) {
                break;
            }
            position += entryLength;
        }
        return position;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private ByteBuffer refill(ByteBuffer buf, long position, long fileSize, int needed) throws IOException {
        ByteBuffer target = buf.capacity() >= needed ? buf : ByteBuffer.allocate(needed);
        target.clear();
        target.limit((int) Math.min(target.capacity(), fileSize - position));
        readFully(target, position);
        target.flip();
        return target;
    }

    private KeyChainEntry readPending(long position) throws IOException {
        long rel = position - flushedSize;
        if (rel < 0 || rel + HEADER_SIZE > pending.position()) {
            throw new IOException("key chain " + path + " has no entry at position " + position);
        }
        int start = (int) rel;
        return decode(pending, start, position);
    }

    private static KeyChainEntry decode(ByteBuffer buf, int start, long position) {
        int entryLength = buf.getInt(start + ENTRY_LENGTH_OFFSET);
        byte[] key = new byte[entryLength - HEADER_SIZE];
        buf.get(start + HEADER_SIZE, key);
        return new KeyChainEntry(position, buf.getLong(start + RECORD_OFFSET_OFFSET),
                buf.getLong(start + PREVIOUS_POSITION_OFFSET), buf.getInt(start + VERSION_OFFSET), key);
    }

    private long fileSize() throws IOException {
        FileChannel ch = channel.acquire();
        try {
            return ch.size();
        } finally {
            channel.release();
        }
    }

    private void readFully(ByteBuffer buf, long position) throws IOException {
        long p = position;
        FileChannel ch = channel.acquire();
        try {
            while (buf.hasRemaining()) {
                int n = ch.read(buf, p);
                if (n < 0) {
                    throw new EOFException("key chain " + path + " ends at " + p + " inside an entry");
                }
                p += n;
            }
        } finally {
            channel.release();
        }
    }

    private void ensurePendingCapacity(int entryLength) {
        if (pending.remaining() >= entryLength) {
            return;
        }
        int capacity = pending.capacity();
        while (capacity - pending.position() < entryLength) {
            capacity *= 2;
        }
        ByteBuffer bigger = ByteBuffer.allocate(capacity);
        bigger.put(pending.flip());
        pending = bigger;
    }

    /** Receives the whole, undamaged entries a {@link #scan} reads, in file order. */
    @FunctionalInterface
    interface EntryVisitor {
        /** @return false to stop the scan before this entry (it does not fit what came before) */
        boolean accept(KeyChainEntry entry) throws IOException;
    }
}
