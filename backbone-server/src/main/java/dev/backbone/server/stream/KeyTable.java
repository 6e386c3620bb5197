package dev.backbone.server.stream;

import java.io.IOException;
import java.util.Arrays;

/**
 * The in-memory part of a key index: an open-addressing hash table (linear probing) from a key's 64-bit hash
 * to the chain file position of the key's newest entry and its version.
 *
 * <p>Memory is 20 bytes per slot in three parallel primitive arrays, kept between 3/8 and 3/4 full, so about
 * 27 to 53 bytes per distinct key whatever the key's length or the number of its records: a million keys take
 * well under 64 MiB. Key bytes are not held here; several slots may carry the same hash (distinct keys that
 * collide), and {@link #find} asks a {@link SlotMatcher} to compare the key bytes of every slot whose hash
 * matches, so the table is exact under collisions.
 *
 * <p>Keys are never removed (a key's version survives the retention of its records). A hash of zero marks an
 * empty slot, so a key whose hash is zero is stored with hash one; it is compared by bytes like any other.
 *
 * <p>Thread safety: not thread-safe; the owning index serializes all access.
 */
final class KeyTable {

    private static final int MIN_CAPACITY = 1024;

    private long[] hashes;
    private long[] heads;
    private int[] versions;
    private int size;
    private int mask;

    KeyTable(int expectedKeys) {
        int capacity = MIN_CAPACITY;
        while (capacity * 3L / 4 < expectedKeys) {
            capacity <<= 1;
        }
        allocate(capacity);
    }

    /** Number of distinct keys. */
    int size() {
        return size;
    }

    int capacity() {
        return hashes.length;
    }

    /**
     * Finds the slot of a key.
     *
     * @param hash    the key's hash
     * @param matcher compares the key's bytes with those of the key owning a slot whose hash matches
     * @return the slot, or {@code -(insertionSlot + 1)} when the key is absent
     */
    int find(long hash, SlotMatcher matcher) throws IOException {
        long stored = stored(hash);
        int slot = start(stored);
        while (true) {
            long h = hashes[slot];
            if (h == 0) {
                return -(slot + 1);
            }
            if (h == stored && matcher.matches(heads[slot])) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
    }

    long head(int slot) {
        return heads[slot];
    }

    int version(int slot) {
        return versions[slot];
    }

    void update(int slot, long head, int version) {
        heads[slot] = head;
        versions[slot] = version;
    }

    /**
     * Inserts a new key at the slot {@link #find} returned (encoded); slots found earlier are invalid after this
     * call because the table may grow.
     */
    void insert(int encodedInsertionSlot, long hash, long head, int version) {
        int slot = -encodedInsertionSlot - 1;
        if (hashes[slot] != 0) {
            throw new IllegalStateException("slot " + slot + " is taken");
        }
        hashes[slot] = stored(hash);
        heads[slot] = head;
        versions[slot] = version;
        size++;
        if (size > hashes.length * 3L / 4) {
            grow();
        }
    }

    /** Inserts without comparing keys; for loading a snapshot, whose keys are known to be distinct. */
    void load(long hash, long head, int version) {
        long stored = stored(hash);
        int slot = start(stored);
        while (hashes[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        insert(-(slot + 1), stored, head, version);
    }

    void clear() {
        allocate(MIN_CAPACITY);
    }

    /** Visits every key's hash, head and version, in slot order. */
    void forEach(SlotVisitor visitor) throws IOException {
        for (int i = 0; i < hashes.length; i++) {
            if (hashes[i] != 0) {
                visitor.visit(hashes[i], heads[i], versions[i]);
            }
        }
    }

    private void grow() {
        long[] oldHashes = hashes;
        long[] oldHeads = heads;
        int[] oldVersions = versions;
        allocate(oldHashes.length << 1);
        for (int i = 0; i < oldHashes.length; i++) {
            if (oldHashes[i] != 0) {
                load(oldHashes[i], oldHeads[i], oldVersions[i]);
            }
        }
    }

    private void allocate(int capacity) {
        hashes = new long[capacity];
        heads = new long[capacity];
        versions = new int[capacity];
        Arrays.fill(versions, -1);
        size = 0;
        mask = capacity - 1;
    }

    private int start(long stored) {
        // The hash is already well mixed; folding the high half in keeps weak test hashers usable.
        return (int) (stored ^ (stored >>> 32)) & mask;
    }

    private static long stored(long hash) {
        return hash == 0 ? 1 : hash;
    }

    /** Compares a looked-up key with the key whose newest entry is at {@code headPosition}. */
    @FunctionalInterface
    interface SlotMatcher {
        boolean matches(long headPosition) throws IOException;
    }

    @FunctionalInterface
    interface SlotVisitor {
        void visit(long hash, long head, int version) throws IOException;
    }
}
