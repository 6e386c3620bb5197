package dev.backbone.server.stream;

/**
 * The byte layout of one entry of a partition's key chain file ({@value #FILE_NAME}), big-endian.
 *
 * <p>The file is append-only: one entry per keyed record, in offset order. Each entry points back to the
 * previous entry of the same key, so the entries of one key form a singly linked list (its "chain") from the
 * newest record to the oldest, and a key's records are found without scanning the partition.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                   entryLength (int32)                         |  0  whole entry, this field included
 *  +---------------------------------------------------------------+
 *  |                   crc (uint32, CRC-32C)                       |  4  over bytes 8..entryLength
 *  +---------------------------------------------------------------+
 *  |                   offset (int64)                              |  8  the record's offset in the log
 *  +---------------------------------------------------------------+
 *  |                   previousPosition (int64)                    | 16  file position of the same key's
 *  |                                                               |     previous entry; -1 for version 0
 *  +---------------------------------------------------------------+
 *  |                   version (int32)                             | 24  0 for the key's first record
 *  +---------------------------------------------------------------+
 *  |                   key bytes (entryLength - 28)                | 28
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>The key is stored in the entry so that two keys with the same 64-bit hash are told apart by comparing
 * bytes, from the chain file alone, without reading the log. The CRC lets recovery find the last whole entry
 * after a crash: the file is cut at the first entry that is short or whose CRC does not match.
 */
final class KeyChainDescriptor {

    static final String FILE_NAME = "keys.chain";

    static final int ENTRY_LENGTH_OFFSET = 0;
    static final int CRC_OFFSET = 4;
    static final int RECORD_OFFSET_OFFSET = 8;
    static final int PREVIOUS_POSITION_OFFSET = 16;
    static final int VERSION_OFFSET = 24;
    static final int KEY_OFFSET = 28;

    /** Bytes of an entry before its key. */
    static final int HEADER_SIZE = KEY_OFFSET;
    /** Where the CRC starts covering. */
    static final int CRC_COVERED_FROM = RECORD_OFFSET_OFFSET;

    /** Marks "no previous entry" in {@code previousPosition}. */
    static final long NO_POSITION = -1L;

    private KeyChainDescriptor() {
    }

    static int entryLength(int keyLength) {
        return HEADER_SIZE + keyLength;
    }
}
