package dev.backbone.server.audit;

import static dev.backbone.server.audit.ChainDescriptor.ENTRY_BASE_OFFSET_OFFSET;
import static dev.backbone.server.audit.ChainDescriptor.ENTRY_CRC_OFFSET;
import static dev.backbone.server.audit.ChainDescriptor.ENTRY_LAST_OFFSET_DELTA_OFFSET;
import static dev.backbone.server.audit.ChainDescriptor.ENTRY_LINK_OFFSET;
import static dev.backbone.server.audit.ChainDescriptor.ENTRY_POSITION_OFFSET;
import static dev.backbone.server.audit.ChainDescriptor.ENTRY_SIZE_IN_BYTES_OFFSET;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * One batch's entry in a {@code .chain} file (layout in {@link ChainDescriptor}).
 *
 * @param baseOffset      the batch's base offset
 * @param position        the batch's byte position in its segment file
 * @param sizeInBytes     the batch's size in bytes, header included
 * @param lastOffsetDelta the batch's last offset delta, so {@code baseOffset + lastOffsetDelta} is its last offset
 * @param link            SHA-256 of the previous link followed by the batch's bytes
 */
public record ChainEntry(long baseOffset, long position, int sizeInBytes, int lastOffsetDelta, ChainLink link) {

    public ChainEntry {
        Objects.requireNonNull(link, "link");
    }

    public long lastOffset() {
        return baseOffset + lastOffsetDelta;
    }

    /** The byte position just past the batch in its segment file. */
    public long endPosition() {
        return position + sizeInBytes;
    }

    /** Writes the entry and its CRC at the absolute {@code position} of {@code buf}. */
    public void write(ByteBuffer buf, int at) {
        buf.putLong(at + ENTRY_BASE_OFFSET_OFFSET, baseOffset);
        buf.putLong(at + ENTRY_POSITION_OFFSET, position);
        buf.putInt(at + ENTRY_SIZE_IN_BYTES_OFFSET, sizeInBytes);
        buf.putInt(at + ENTRY_LAST_OFFSET_DELTA_OFFSET, lastOffsetDelta);
        link.write(buf, at + ENTRY_LINK_OFFSET);
        buf.putInt(at + ENTRY_CRC_OFFSET, crc(buf, at));
    }

    /** Whether the entry at {@code at} carries the CRC of its content (it was written whole). */
    public static boolean isIntact(ByteBuffer buf, int at) {
        return buf.getInt(at + ENTRY_CRC_OFFSET) == crc(buf, at);
    }

    /** Reads the entry at {@code at} without checking its CRC. */
    public static ChainEntry read(ByteBuffer buf, int at) {
        return new ChainEntry(buf.getLong(at + ENTRY_BASE_OFFSET_OFFSET), buf.getLong(at + ENTRY_POSITION_OFFSET),
                buf.getInt(at + ENTRY_SIZE_IN_BYTES_OFFSET), buf.getInt(at + ENTRY_LAST_OFFSET_DELTA_OFFSET),
                ChainLink.read(buf, at + ENTRY_LINK_OFFSET));
    }

    private static int crc(ByteBuffer buf, int at) {
        CRC32C crc = new CRC32C();
        crc.update(buf.slice(at, ENTRY_CRC_OFFSET));
        return (int) crc.getValue();
    }
}
