package dev.backbone.server.stream;

import dev.backbone.server.log.io.DurableFiles;
import dev.backbone.server.log.io.OpenFileBudget;
import dev.backbone.server.log.io.StorageFiles;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The key index of one partition: which records belong to each key, with their versions, kept in a chain
 * file ({@link KeyChainFile}) beside the segments and a hash table in memory ({@link KeyTable}).
 *
 * <p>Adding a record appends one chain entry that points to the key's previous entry; the table maps the key
 * to its newest entry and version. Reading a key's stream walks its chain backwards from the newest entry, so
 * it costs one small read per record returned (plus one per record skipped below {@code fromVersion}),
 * however many other keys the partition holds.
 *
 * <p>Recovery: {@link #open} loads the table snapshot of the last clean close if it still matches the chain,
 * applies the chain entries written after it, cuts the chain at the first torn or damaged entry and at the
 * first entry at or beyond the log's end offset, and reports in {@link #coveredOffset()} the log offset from
 * which the caller must feed records again.
 *
 * <p>Thread safety: every method is safe to call from any thread; mutations and lookups are serialized on
 * this object. A caller that adds several records and wants readers to see them together holds the monitor
 * of this object around the calls. {@link #walk} reads only flushed entries and runs without the lock.
 */
public final class KeyIndex implements Closeable {

    private static final System.Logger LOG = System.getLogger(KeyIndex.class.getName());
    /** Pending chain bytes after which {@link #add} writes them out even in the middle of an append. */
    private static final int FLUSH_THRESHOLD_BYTES = 1 << 20;

    private final DurableFiles durable;
    private final Path directory;
    private final KeyHasher hasher;
    private final KeyChainFile chain;
    private final KeyTable table;
    private long coveredOffset;
    /** Chain size and covered offset of the snapshot on disk, while they still describe the index; else -1. */
    private long savedChainSize = -1;
    private long savedCoveredOffset = -1;
    private IOException failure;
    private boolean closed;

    private KeyIndex(DurableFiles durable, Path directory, KeyHasher hasher, KeyChainFile chain, KeyTable table,
                     long coveredOffset) {
        this.durable = durable;
        this.directory = directory;
        this.hasher = hasher;
        this.chain = chain;
        this.table = table;
        this.coveredOffset = coveredOffset;
    }

    /**
     * Opens the index kept in {@code directory}, creating it if absent and repairing it after a crash.
     *
     * @param logEndOffset the end offset of the log the index describes; entries at or beyond it are dropped
     */
    public static KeyIndex open(Path directory, KeyHasher hasher, long logEndOffset) throws IOException {
        return open(StorageFiles.real(), OpenFileBudget.UNBOUNDED, directory, hasher, logEndOffset);
    }

    /**
     * {@link #open(Path, KeyHasher, long)} on {@code files}, the chain file's descriptor counted in {@code budget}
     * (closed while idle when the budget is exceeded).
     */
    public static KeyIndex open(StorageFiles files, OpenFileBudget budget, Path directory, KeyHasher hasher,
                                long logEndOffset) throws IOException {
        KeyChainFile chain = KeyChainFile.open(files, budget, directory.resolve(KeyChainDescriptor.FILE_NAME));
        try {
            DurableFiles durable = new DurableFiles(files);
            KeyTable table = new KeyTable(0);
            Optional<KeyIndexSnapshot.Header> snapshot = loadSnapshot(durable, directory, chain, table, logEndOffset);
            KeyIndex index = new KeyIndex(durable, directory, hasher, chain, table,
                    snapshot.map(KeyIndexSnapshot.Header::coveredOffset).orElse(0L));
            index.replayChain(snapshot.map(KeyIndexSnapshot.Header::chainSize).orElse(0L), logEndOffset);
            if (snapshot.isPresent()) {
                index.savedChainSize = snapshot.get().chainSize();
                index.savedCoveredOffset = snapshot.get().coveredOffset();
            }
            return index;
        } catch (IOException | RuntimeException e) {
            chain.close();
            throw e;
        }
    }

    /**
     * Loads the snapshot into {@code table} if it matches the chain and the log. One that does not is removed
     * durably: the chain is about to be cut and to grow again, and a snapshot left behind could then match a
     * chain that holds other entries than those it describes.
     */
    private static Optional<KeyIndexSnapshot.Header> loadSnapshot(DurableFiles durable, Path directory,
                                                                  KeyChainFile chain, KeyTable table,
                                                                  long logEndOffset) throws IOException {
        Optional<KeyIndexSnapshot.Header> snapshot = KeyIndexSnapshot.read(durable.files(), directory, table);
        if (snapshot.isEmpty() || (snapshot.get().chainSize() <= chain.flushedSize()
                && snapshot.get().coveredOffset() <= logEndOffset)) {
            return snapshot;
        }
        LOG.log(Level.WARNING, "key index snapshot in {0} does not match its chain ({1} bytes) or log (end offset "
                + "{2}); removing it and rebuilding from the chain", directory, chain.flushedSize(), logEndOffset);
        table.clear();
        KeyIndexSnapshot.delete(durable, directory);
        return Optional.empty();
    }

    public Path directory() {
        return directory;
    }

    /** The log offset up to which every record has been given to this index: where feeding resumes. */
    public synchronized long coveredOffset() {
        return coveredOffset;
    }

    /** Number of distinct keys. */
    public synchronized int keyCount() {
        return table.size();
    }

    /** The key's current version (that of its newest record), or -1 when it has no record. */
    public synchronized int version(ByteBuffer key, int keyPosition, int keyLength) {
        checkUsable();
        try {
            int slot = find(key, keyPosition, keyLength);
            return slot >= 0 ? table.version(slot) : -1;
        } catch (IOException e) {
            throw fail(e);
        }
    }

    public int version(byte[] key) {
        return version(ByteBuffer.wrap(key), 0, key.length);
    }

    /** The key's newest entry and version, if the key has any record. */
    public synchronized Optional<KeyStreamHead> head(byte[] key) {
        checkUsable();
        try {
            int slot = find(ByteBuffer.wrap(key), 0, key.length);
            return slot >= 0 ? Optional.of(new KeyStreamHead(table.head(slot), table.version(slot)))
                    : Optional.empty();
        } catch (IOException e) {
            throw fail(e);
        }
    }

    /**
     * Records that the record at {@code offset} has the given key.
     *
     * @return the version the record gets in its key's stream
     * @throws IllegalArgumentException when {@code offset} is below {@link #coveredOffset()}
     */
    public synchronized int add(long offset, ByteBuffer key, int keyPosition, int keyLength) {
        checkUsable();
        if (offset < coveredOffset) {
            throw new IllegalArgumentException("offset " + offset + " is below the covered offset " + coveredOffset
                    + " of the key index in " + directory);
        }
        try {
            long hash = hasher.hash(key, keyPosition, keyLength);
            int slot = table.find(hash, head -> chain.keyEquals(head, key, keyPosition, keyLength));
            int version;
            if (slot >= 0) {
                if (table.version(slot) == Integer.MAX_VALUE) {
                    throw new IllegalStateException("key stream in " + directory + " is at the largest version");
                }
                version = table.version(slot) + 1;
                long position = chain.append(offset, table.head(slot), version, key, keyPosition, keyLength);
                table.update(slot, position, version);
            } else {
                version = 0;
                long position = chain.append(offset, KeyChainDescriptor.NO_POSITION, 0, key, keyPosition, keyLength);
                table.insert(slot, hash, position, 0);
            }
            coveredOffset = offset + 1;
            if (chain.pendingBytes() >= FLUSH_THRESHOLD_BYTES) {
                chain.flush();
            }
            return version;
        } catch (IOException e) {
            throw fail(e);
        }
    }

    /** Records that every record below {@code nextOffset} has been given to the index, keyed or not. */
    public synchronized void advance(long nextOffset) {
        coveredOffset = Math.max(coveredOffset, nextOffset);
    }

    /** Writes added entries to the chain file, where {@link #walk} can read them. */
    public synchronized void flush() {
        checkUsable();
        try {
            chain.flush();
        } catch (IOException e) {
            throw fail(e);
        }
    }

    /**
     * Writes added entries to the chain file and fsyncs it: what the chain holds then survives a power cut even
     * where the log no longer holds the records (deleted by retention) to index them again.
     */
    public synchronized void sync() {
        checkUsable();
        try {
            chain.flush();
            chain.force();
        } catch (IOException e) {
            throw fail(e);
        }
    }

    /**
     * Forgets every record at or after {@code offset}, for a log that was cut back (an append that failed after
     * it was indexed). Rebuilds the table from the chain, so it is slow; it is meant for rare repairs.
     */
    public synchronized void truncateFrom(long offset) throws IOException {
        checkOpen();
        chain.discardPending();
        KeyIndexSnapshot.delete(durable, directory);
        savedChainSize = -1;
        savedCoveredOffset = -1;
        table.clear();
        coveredOffset = 0;
        failure = null;
        replayChain(0, offset);
        coveredOffset = Math.max(coveredOffset, offset);
    }

    /** As {@link #walk(KeyStreamHead, int, long, long)} with every entry visible and none deleted. */
    public List<KeyChainEntry> walk(KeyStreamHead head, int fromVersion) throws IOException {
        return walk(head, fromVersion, Long.MAX_VALUE, 0).entries();
    }

    /**
     * The entries of the stream whose newest entry is {@code head}, oldest first, from {@code fromVersion} up,
     * leaving out records at or beyond {@code visibleEndOffset} (appended but not yet visible to readers) and
     * below {@code logStartOffset} (deleted by retention). Reads the chain file without the lock; {@code head}
     * must come from {@link #head}, which only hands out flushed entries.
     */
    public KeyChainWalk walk(KeyStreamHead head, int fromVersion, long visibleEndOffset, long logStartOffset)
            throws IOException {
        List<KeyChainEntry> entries = new ArrayList<>();
        int visibleVersion = -1;
        long position = head.position();
        while (position != KeyChainDescriptor.NO_POSITION) {
            KeyChainEntry entry = chain.read(position);
            position = entry.previousPosition();
            if (entry.offset() >= visibleEndOffset) {
                continue;
            }
            if (visibleVersion < 0) {
                visibleVersion = entry.version();
            }
            if (entry.version() < fromVersion || entry.offset() < logStartOffset) {
                break;
            }
            entries.add(entry);
        }
        Collections.reverse(entries);
        return new KeyChainWalk(visibleVersion, entries);
    }

    /**
     * Flushes, fsyncs and saves the table, so that the next open reads no chain. An index that is still what its
     * snapshot on disk says (an idle partition since the last clean close) writes nothing: a broker with thousands
     * of partitions then stops in seconds.
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (failure == null) {
                chain.flush();
                if (chain.flushedSize() != savedChainSize || coveredOffset != savedCoveredOffset) {
                    chain.force();
                    KeyIndexSnapshot.write(durable, directory, chain.flushedSize(), coveredOffset, table);
                }
            }
        } finally {
            chain.close();
        }
    }

    private void replayChain(long fromPosition, long logEndOffset) throws IOException {
        long end = chain.scan(fromPosition, logEndOffset, this::apply);
        if (end < chain.flushedSize()) {
            LOG.log(Level.WARNING, "key chain {0} cut at position {1} of {2}: torn or damaged entry, or entries "
                    + "beyond the log end offset {3}", chain.path(), end, chain.flushedSize(), logEndOffset);
            chain.truncate(end);
            // Durable before anything is written beyond the cut: else a power cut could bring back the entries
            // cut off, now naming records the log has since given other keys, and the next open would trust them.
            chain.force();
        }
    }

    /** Applies one entry read back from the chain file; refuses one that does not continue its key's stream. */
    private boolean apply(KeyChainEntry entry) throws IOException {
        ByteBuffer key = ByteBuffer.wrap(entry.key());
        long hash = hasher.hash(key, 0, entry.key().length);
        int slot = table.find(hash, head -> chain.keyEquals(head, key, 0, entry.key().length));
        if (slot >= 0) {
            if (entry.version() != table.version(slot) + 1 || entry.previousPosition() != table.head(slot)) {
                return false;
            }
            table.update(slot, entry.position(), entry.version());
        } else {
            if (entry.version() != 0 || entry.previousPosition() != KeyChainDescriptor.NO_POSITION) {
                return false;
            }
            table.insert(slot, hash, entry.position(), 0);
        }
        coveredOffset = Math.max(coveredOffset, entry.offset() + 1);
        return true;
    }

    private int find(ByteBuffer key, int keyPosition, int keyLength) throws IOException {
        long hash = hasher.hash(key, keyPosition, keyLength);
        return table.find(hash, head -> chain.keyEquals(head, key, keyPosition, keyLength));
    }

    private void checkOpen() {
        if (closed) {
            throw new KeyIndexUnavailableException(directory, "closed", null);
        }
    }

    private void checkUsable() {
        checkOpen();
        if (failure != null) {
            throw new KeyIndexUnavailableException(directory, "a chain write failed", failure);
        }
    }

    private KeyIndexUnavailableException fail(IOException e) {
        failure = e;
        LOG.log(Level.ERROR, "key index in " + directory + " failed; it stays unavailable until reopened", e);
        return new KeyIndexUnavailableException(directory, "a chain write failed", e);
    }
}
