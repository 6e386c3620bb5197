package dev.backbone.client.batch;

import java.nio.ByteBuffer;

/**
 * Zig-zag variable-length integers as in Protocol Buffers and Kafka's record format: the sign is folded
 * into the lowest bit ({@code (n << 1) ^ (n >> 31)}), then seven bits per byte, least significant group
 * first, high bit set on every byte but the last. An int takes 1 to 5 bytes, a long 1 to 10.
 *
 * <p>Readers accept what Kafka's {@code ByteUtils} accepts (including non-minimal encodings) and reject
 * encodings longer than 5 (int) or 10 (long) bytes. Stateless and thread-safe; relative methods move the
 * buffer's position like any relative {@link ByteBuffer} operation.
 */
public final class Varints {

    /** The longest encoding of an int. */
    public static final int MAX_VARINT_SIZE = 5;
    /** The longest encoding of a long. */
    public static final int MAX_VARLONG_SIZE = 10;

    private Varints() {
    }

    /** The number of bytes {@link #writeVarint} uses for {@code value}. */
    public static int sizeOfVarint(int value) {
        int v = (value << 1) ^ (value >> 31);
        // One byte per started group of seven significant bits; zero still takes one byte.
        int bits = 32 - Integer.numberOfLeadingZeros(v | 1);
        return (bits + 6) / 7;
    }

    /** The number of bytes {@link #writeVarlong} uses for {@code value}. */
    public static int sizeOfVarlong(long value) {
        long v = (value << 1) ^ (value >> 63);
        int bits = 64 - Long.numberOfLeadingZeros(v | 1);
        return (bits + 6) / 7;
    }

    /** Writes {@code value} at the buffer's position and advances it. */
    public static void writeVarint(int value, ByteBuffer buf) {
        int v = (value << 1) ^ (value >> 31);
        while ((v & ~0x7F) != 0) {
            buf.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        buf.put((byte) v);
    }

    /** Writes {@code value} at the buffer's position and advances it. */
    public static void writeVarlong(long value, ByteBuffer buf) {
        long v = (value << 1) ^ (value >> 63);
        while ((v & ~0x7FL) != 0) {
            buf.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        buf.put((byte) v);
    }

    /**
     * Reads a varint at the buffer's position and advances it.
     *
     * @throws InvalidBatchException (MALFORMED) if the buffer ends inside the varint or it is longer than 5 bytes
     */
    public static int readVarint(ByteBuffer buf) {
        int start = buf.position();
        int raw = 0;
        for (int shift = 0; ; shift += 7) {
            if (shift > 28) {
                throw malformed("varint", start, "is longer than " + MAX_VARINT_SIZE + " bytes");
            }
            if (!buf.hasRemaining()) {
                throw malformed("varint", start, "runs past the end at byte " + buf.limit());
            }
            byte b = buf.get();
            raw |= (b & 0x7F) << shift;
            if (b >= 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
    }

    /**
     * Reads a varlong at the buffer's position and advances it.
     *
     * @throws InvalidBatchException (MALFORMED) if the buffer ends inside the varlong or it is longer than 10 bytes
     */
    public static long readVarlong(ByteBuffer buf) {
        int start = buf.position();
        long raw = 0;
        for (int shift = 0; ; shift += 7) {
            if (shift > 63) {
                throw malformed("varlong", start, "is longer than " + MAX_VARLONG_SIZE + " bytes");
            }
            if (!buf.hasRemaining()) {
                throw malformed("varlong", start, "runs past the end at byte " + buf.limit());
            }
            byte b = buf.get();
            raw |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
    }

    private static InvalidBatchException malformed(String what, int position, String fault) {
        return new InvalidBatchException(InvalidBatchException.Reason.MALFORMED, -1,
                what + " at byte " + position + " " + fault);
    }
}
