package dev.backbone.server.audit;

import java.nio.file.Path;

/**
 * The on-disk layout of a partition's audit chain, kept in the partition directory beside the segments.
 *
 * <p>Every stored batch has one link: {@code link = SHA-256(previousLink || batchBytes)}, where
 * {@code batchBytes} are the batch's bytes exactly as they lie in the segment's {@code .log} file (after the
 * broker rewrote base offset and partition leader epoch), and {@code previousLink} is the link of the batch
 * stored just before it in the partition, across segment boundaries. The first batch of a partition uses
 * 32 zero bytes ({@link ChainLink#GENESIS}) as its previous link; once retention has deleted segments, the
 * first remaining batch uses the link kept in the anchor file.
 *
 * <p>Segment {@code <20-digit base offset>.log} has its links in {@code <20-digit base offset>.chain}: one
 * fixed-size entry per batch, in file order, big-endian, with nothing before the first entry:
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  baseOffset (int64)                           |  0  the batch's base offset
 *  +---------------------------------------------------------------+
 *  |                  position (int64)                             |  8  byte position in the .log file
 *  +---------------------------------------------------------------+
 *  |                  sizeInBytes (int32)                          | 16  12 + the batch's batchLength
 *  +---------------------------------------------------------------+
 *  |                  lastOffsetDelta (int32)                      | 20  copied from the batch header
 *  +---------------------------------------------------------------+
 *  |                  link (32 bytes, SHA-256)                     | 24
 *  +---------------------------------------------------------------+
 *  |                  entryCrc (uint32, CRC-32C of bytes 0..55)    | 56
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>The entry CRC only detects a torn or half-written entry after a crash; it is no protection against
 * tampering (anyone can recompute it). Tampering is detected by the links.
 *
 * <p>{@code chain.anchor}, present once retention has deleted a segment, holds the link of the last deleted
 * batch, so the chain stays verifiable from the new log start; it is replaced atomically:
 *
 * <pre>
 *  0  nextOffset (int64)   the base offset of the first batch after the anchor (the new log start)
 *  8  link (32 bytes)      the link of the last deleted batch: the previous link of the batch at nextOffset
 * 40  crc (uint32)         CRC-32C of bytes 0..39
 * </pre>
 */
public final class ChainDescriptor {

    public static final int ENTRY_BASE_OFFSET_OFFSET = 0;
    public static final int ENTRY_POSITION_OFFSET = 8;
    public static final int ENTRY_SIZE_IN_BYTES_OFFSET = 16;
    public static final int ENTRY_LAST_OFFSET_DELTA_OFFSET = 20;
    public static final int ENTRY_LINK_OFFSET = 24;
    public static final int ENTRY_CRC_OFFSET = ENTRY_LINK_OFFSET + ChainLink.SIZE;
    /** Bytes in one chain entry. */
    public static final int ENTRY_SIZE = ENTRY_CRC_OFFSET + 4;

    public static final int ANCHOR_NEXT_OFFSET_OFFSET = 0;
    public static final int ANCHOR_LINK_OFFSET = 8;
    public static final int ANCHOR_CRC_OFFSET = ANCHOR_LINK_OFFSET + ChainLink.SIZE;
    /** Bytes in the anchor file. */
    public static final int ANCHOR_SIZE = ANCHOR_CRC_OFFSET + 4;

    public static final String CHAIN_SUFFIX = ".chain";
    public static final String SEGMENT_SUFFIX = ".log";
    public static final String ANCHOR_FILE_NAME = "chain.anchor";

    private ChainDescriptor() {
    }

    /** {@code <20-digit base offset>.chain} in {@code directory}. */
    public static Path chainFile(Path directory, long segmentBaseOffset) {
        return directory.resolve(fileStem(segmentBaseOffset) + CHAIN_SUFFIX);
    }

    /** {@code <20-digit base offset>.log} in {@code directory}: the segment the chain file covers. */
    public static Path segmentFile(Path directory, long segmentBaseOffset) {
        return directory.resolve(fileStem(segmentBaseOffset) + SEGMENT_SUFFIX);
    }

    public static Path anchorFile(Path directory) {
        return directory.resolve(ANCHOR_FILE_NAME);
    }

    /**
     * The base offset named by a {@code <20 digits><suffix>} file name, or -1 when the name is not one.
     */
    public static long baseOffsetOf(String fileName, String suffix) {
        if (!fileName.endsWith(suffix) || fileName.length() != 20 + suffix.length()) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < 20; i++) {
            char c = fileName.charAt(i);
            if (c < '0' || c > '9' || value > (Long.MAX_VALUE - (c - '0')) / 10) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static String fileStem(long baseOffset) {
        if (baseOffset < 0) {
            throw new IllegalArgumentException("a segment base offset is >= 0, was " + baseOffset);
        }
        return String.format("%020d", baseOffset);
    }
}
