package dev.backbone.client.batch;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A bounds-checked reader over the records section of one batch, using absolute reads only so that the
 * caller's buffer position never moves. Every read is checked against the current limit (the end of the
 * record being read, or of the batch) before it happens, and a failure becomes an
 * {@link InvalidBatchException} (MALFORMED) naming the batch position, never an index exception.
 *
 * <p>Mutable and confined to one thread: one instance serves one walk over one batch.
 */
final class RecordCursor {

    private final ByteBuffer buf;
    private final int batchPosition;
    private final int batchEnd;
    private int position;
    private int limit;

    /**
     * @param buf           a big-endian buffer
     * @param batchPosition where the batch starts, for error messages
     * @param start         the first byte to read
     * @param batchEnd      one past the batch's last byte; must be within {@code buf.limit()}
     */
    RecordCursor(ByteBuffer buf, int batchPosition, int start, int batchEnd) {
        this.buf = buf;
        this.batchPosition = batchPosition;
        this.batchEnd = batchEnd;
        this.position = start;
        this.limit = batchEnd;
    }

    int position() {
        return position;
    }

    int remaining() {
        return limit - position;
    }

    /** Confines reads to one record of {@code length} bytes starting here. */
    void enterRecord(int length) {
        limit = position + length;
    }

    /** Lifts the confinement of {@link #enterRecord} again. */
    void leaveRecord() {
        limit = batchEnd;
    }

    byte readByte(String what) {
        if (position >= limit) {
            throw malformed(what + " lies past the end at byte " + limit);
        }
        return buf.get(position++);
    }

    int readVarint(String what) {
        int start = position;
        int raw = 0;
        for (int shift = 0; ; shift += 7) {
            if (shift > 28) {
                throw malformed(what + ": varint at byte " + start + " is longer than " + Varints.MAX_VARINT_SIZE
                        + " bytes");
            }
            byte b = readByte(what);
            raw |= (b & 0x7F) << shift;
            if (b >= 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
    }

    long readVarlong(String what) {
        int start = position;
        long raw = 0;
        for (int shift = 0; ; shift += 7) {
            if (shift > 63) {
                throw malformed(what + ": varlong at byte " + start + " is longer than " + Varints.MAX_VARLONG_SIZE
                        + " bytes");
            }
            byte b = readByte(what);
            raw |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
    }

    /**
     * Reads a length prefix and checks it against what remains.
     *
     * @param nullable whether -1 (null) is allowed
     * @return the length, or -1 for null
     */
    int readLength(String what, boolean nullable) {
        int start = position;
        int length = readVarint(what);
        if (length < -1 || (length == -1 && !nullable)) {
            throw malformed(what + " at byte " + start + " is " + length);
        }
        if (length > remaining()) {
            throw malformed(what + " at byte " + start + " is " + length + " but only " + remaining()
                    + " bytes remain");
        }
        return length;
    }

    /** Skips {@code length} bytes that {@link #readLength} has already checked. */
    void skip(int length) {
        if (length > 0) {
            position += length;
        }
    }

    /** Copies {@code length} bytes that {@link #readLength} has already checked; -1 gives null. */
    byte[] readBytes(int length) {
        if (length < 0) {
            return null;
        }
        byte[] bytes;
        if (buf.hasArray()) {
            // Allocated and filled in one step: the JIT then skips zeroing the array first.
            int from = buf.arrayOffset() + position;
            bytes = Arrays.copyOfRange(buf.array(), from, from + length);
        } else {
            bytes = new byte[length];
            buf.get(position, bytes, 0, length);
        }
        position += length;
        return bytes;
    }

    /**
     * Whether the next {@code length} bytes, which {@link #readLength} has already checked, are {@code expected};
     * the position does not move.
     */
    boolean nextBytesEqual(int length, byte[] expected) {
        if (length != expected.length) {
            return false;
        }
        if (buf.hasArray()) {
            int from = buf.arrayOffset() + position;
            return Arrays.equals(buf.array(), from, from + length, expected, 0, length);
        }
        for (int i = 0; i < length; i++) {
            if (buf.get(position + i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    InvalidBatchException malformed(String message) {
        return new InvalidBatchException(InvalidBatchException.Reason.MALFORMED, batchPosition, message);
    }
}
