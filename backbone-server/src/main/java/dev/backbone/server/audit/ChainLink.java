package dev.backbone.server.audit;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One link of an audit chain: a SHA-256 digest of 32 bytes, compared by content.
 *
 * <p>Thread safety: immutable; the bytes are copied in and out.
 */
public final class ChainLink {

    /** Bytes in a link (a SHA-256 digest). */
    public static final int SIZE = 32;

    /** The "previous link" of the very first batch of a partition: 32 zero bytes. */
    public static final ChainLink GENESIS = new ChainLink(new byte[SIZE]);

    private static final HexFormat HEX = HexFormat.of();

    private final byte[] bytes;

    private ChainLink(byte[] bytes) {
        this.bytes = bytes;
    }

    public static ChainLink of(byte[] bytes) {
        if (bytes.length != SIZE) {
            throw new IllegalArgumentException("a chain link has " + SIZE + " bytes, not " + bytes.length);
        }
        return new ChainLink(bytes.clone());
    }

    /** Reads {@link #SIZE} bytes at the absolute {@code position} of {@code buf}. */
    public static ChainLink read(ByteBuffer buf, int position) {
        byte[] bytes = new byte[SIZE];
        buf.get(position, bytes);
        return new ChainLink(bytes);
    }

    /**
     * Parses 64 hexadecimal digits (either case).
     *
     * @throws IllegalArgumentException when {@code hex} is not exactly 64 hexadecimal digits
     */
    public static ChainLink parseHex(String hex) {
        if (hex == null || hex.length() != 2 * SIZE) {
            throw new IllegalArgumentException("a chain link is " + 2 * SIZE + " hexadecimal digits, got "
                    + (hex == null ? "nothing" : hex.length() + " characters"));
        }
        return new ChainLink(HEX.parseHex(hex));
    }

    /** Writes the link at the absolute {@code position} of {@code buf}. */
    public void write(ByteBuffer buf, int position) {
        buf.put(position, bytes);
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    /** Lower-case hexadecimal, 64 digits. */
    public String hex() {
        return HEX.formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChainLink other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
