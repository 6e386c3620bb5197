package dev.backbone.server.log;

import dev.backbone.server.log.io.StorageFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * One sparse index of a segment: a sorted run of (key, value) entries, both columns strictly or weakly
 * increasing, added about every {@code indexIntervalBytes} of log data.
 *
 * <pre>
 *  offset index (.index), 8 bytes per entry, big-endian:     time index (.timeindex), 12 bytes per entry:
 *  +---------------------------+---------------------------+  +------------------------------+----------------+
 *  | relative offset (int32)   | file position (int32)     |  | max timestamp so far (int64) | rel. offset    |
 *  +---------------------------+---------------------------+  +------------------------------+----------------+
 *   key: offset - segment base  value: byte position of the    key: largest batch max timestamp  value: relative
 *   offset of a batch           batch that starts there        up to the batch named by value    base offset
 * </pre>
 *
 * <p>An index lives in one of two states. While its segment is active the entries are kept in growable
 * arrays in memory, published through a volatile immutable {@link View}, and nothing is written to disk
 * on the hot path: recovery rebuilds the index of the active segment. When the segment is sealed (rolled
 * or the log closed) the entries are written to the file, and a sealed index is served from a read-only
 * memory map of that file, so closed segments cost no heap.
 *
 * <p>Thread safety: a single writer (the partition's append lock) and any number of concurrent readers;
 * readers take a {@link #view()} and never see a half-written entry.
 */
final class SparseIndex {

    /** Which of the two layouts. */
    enum Kind {
        OFFSET(4), TIME(8);

        final int keyBytes;

        Kind(int keyBytes) {
            this.keyBytes = keyBytes;
        }

        int entryBytes() {
            return keyBytes + Integer.BYTES;
        }
    }

    /** A consistent, immutable snapshot of the entries. */
    interface View {
        int size();

        long key(int i);

        int value(int i);

        /** The index of the last entry whose key is at most {@code key}, or -1. */
        default int floorByKey(long key) {
            int lo = 0;
            int hi = size() - 1;
            int found = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (key(mid) <= key) {
                    found = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return found;
        }

        /** The index of the last entry whose value is at most {@code value}, or -1. */
        default int floorByValue(long value) {
            int lo = 0;
            int hi = size() - 1;
            int found = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (value(mid) <= value) {
                    found = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return found;
        }
    }

    private record ArrayView(long[] keys, int[] values, int size) implements View {
        @Override
        public long key(int i) {
            return keys[i];
        }

        @Override
        public int value(int i) {
            return values[i];
        }
    }

    private record MappedView(ByteBuffer map, Kind kind, int size) implements View {
        @Override
        public long key(int i) {
            int at = i * kind.entryBytes();
            return kind == Kind.OFFSET ? map.getInt(at) : map.getLong(at);
        }

        @Override
        public int value(int i) {
            return map.getInt(i * kind.entryBytes() + kind.keyBytes);
        }
    }

    private static final int INITIAL_CAPACITY = 64;

    private final StorageFiles files;
    private final Kind kind;
    private final Path file;
    private volatile View view;

    private SparseIndex(StorageFiles files, Kind kind, Path file, View view) {
        this.files = files;
        this.kind = kind;
        this.file = file;
        this.view = view;
    }

    /** An empty, writable index. */
    static SparseIndex empty(StorageFiles files, Kind kind, Path file) {
        return new SparseIndex(files, kind, file,
                new ArrayView(new long[INITIAL_CAPACITY], new int[INITIAL_CAPACITY], 0));
    }

    /**
     * Reads the file as it was left by {@link #writeFile}. Returns null when the file is missing or its size is
     * not a whole number of entries; the caller checks the content and rebuilds when in doubt.
     *
     * @param writable true to load the entries into memory for further appends, false to map the file
     */
    static SparseIndex load(StorageFiles files, Kind kind, Path file, boolean writable) throws IOException {
        try (FileChannel channel = files.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size % kind.entryBytes() != 0 || size > Integer.MAX_VALUE) {
                return null;
            }
            int entries = (int) (size / kind.entryBytes());
            if (!writable) {
                ByteBuffer map = files.mapReadOnly(channel, size);
                return new SparseIndex(files, kind, file, new MappedView(map, kind, entries));
            }
            ByteBuffer bytes = ByteBuffer.allocate((int) size);
            while (bytes.hasRemaining()) {
                if (channel.read(bytes, bytes.position()) < 0) {
                    return null;
                }
            }
            int capacity = Math.max(INITIAL_CAPACITY, entries * 2);
            long[] keys = new long[capacity];
            int[] values = new int[capacity];
            for (int i = 0; i < entries; i++) {
                int at = i * kind.entryBytes();
                keys[i] = kind == Kind.OFFSET ? bytes.getInt(at) : bytes.getLong(at);
                values[i] = bytes.getInt(at + kind.keyBytes);
            }
            return new SparseIndex(files, kind, file, new ArrayView(keys, values, entries));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    Kind kind() {
        return kind;
    }

    Path file() {
        return file;
    }

    View view() {
        return view;
    }

    int size() {
        return view.size();
    }

    /** The key of the last entry, or {@code otherwise} when empty. */
    long lastKey(long otherwise) {
        View v = view;
        return v.size() == 0 ? otherwise : v.key(v.size() - 1);
    }

    /** Appends an entry; the caller keeps keys and values increasing. Writer only. */
    void append(long key, int value) {
        if (!(view instanceof ArrayView current)) {
            throw new IllegalStateException("index " + file + " is sealed");
        }
        long[] keys = current.keys();
        int[] values = current.values();
        int size = current.size();
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        keys[size] = key;
        values[size] = value;
        // Publishing a new view after the entry is written is what makes the entry visible to readers.
        view = new ArrayView(keys, values, size + 1);
    }

    /** Writes the entries to the file, replacing its content; fsync when {@code force}. Writer only. */
    void writeFile(boolean force) throws IOException {
        View v = view;
        ByteBuffer bytes = ByteBuffer.allocate(v.size() * kind.entryBytes());
        for (int i = 0; i < v.size(); i++) {
            if (kind == Kind.OFFSET) {
                bytes.putInt((int) v.key(i));
            } else {
                bytes.putLong(v.key(i));
            }
            bytes.putInt(v.value(i));
        }
        bytes.flip();
        try (FileChannel channel = files.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (bytes.hasRemaining()) {
                channel.write(bytes, bytes.position());
            }
            if (force) {
                channel.force(true);
            }
        }
    }

    /** Writes the file and from then on serves the entries from a read-only map of it. Writer only. */
    void seal(boolean force) throws IOException {
        if (view instanceof MappedView) {
            return;
        }
        writeFile(force);
        SparseIndex mapped = load(files, kind, file, false);
        if (mapped == null) {
            throw new IOException("index " + file + " vanished while being sealed");
        }
        view = mapped.view;
    }

    boolean isSealed() {
        return view instanceof MappedView;
    }

    void force() throws IOException {
        if (files.exists(file)) {
            try (FileChannel channel = files.open(file, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        }
    }
}
