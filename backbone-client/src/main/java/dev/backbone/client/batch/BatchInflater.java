package dev.backbone.client.batch;

import static dev.backbone.client.batch.RecordBatchDescriptor.*;

import dev.backbone.client.batch.InvalidBatchException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Turns a compressed batch into the plain batch it stands for: the same 61-byte header with the codec bits
 * cleared and the batch length set to the plain size, followed by the decompressed records. Readers that walk
 * records (JSON consume, the key index, recovery) then read the copy exactly as they read a batch that was
 * never compressed.
 *
 * <p>Decompression streams through a 16 KiB read window into an output that grows only as the decompressed
 * bytes arrive and never past the caller's limit: a decompression bomb (a few kilobytes that expand to
 * gigabytes) costs at most the limit in memory and time, then fails with {@link Reason#TOO_LARGE}. A stream the
 * codec cannot read fails with {@link Reason#MALFORMED}; nothing else escapes.
 *
 * <p>The copy's CRC field is the original's and no longer matches: the copy is for reading, never for storing.
 *
 * <p>Thread safety: stateless.
 */
public final class BatchInflater {

    /**
     * The most bytes the records of one compressed batch may decompress to: eight times the broker's default
     * largest batch, room for compression ratios well beyond what JSON-like records reach.
     */
    public static final int DEFAULT_MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024;

    private static final int READ_WINDOW_BYTES = 16 * 1024;

    private BatchInflater() {
    }

    /**
     * Returns the plain form of the batch at {@code position} (position 0, limit its size), or a big-endian
     * view of the batch itself from position 0 when it is not compressed. The buffer's position does not move.
     *
     * @param header               the batch's header, already read (and, for stored batches, validated)
     * @param maxUncompressedBytes the most bytes the records may decompress to
     * @throws InvalidBatchException TOO_LARGE past the limit, MALFORMED for a stream the codec cannot read,
     *                               UNSUPPORTED_COMPRESSION for codec ids 5-7
     */
    public static ByteBuffer plain(ByteBuffer buf, int position, RecordBatchHeader header, int maxUncompressedBytes) {
        CompressionCodec codec = CompressionCodec.ofId(header.compressionCodec(), position);
        ByteBuffer b = RecordBatchHeader.bigEndian(buf).duplicate();
        b.limit(position + header.sizeInBytes()).position(position);
        if (codec == CompressionCodec.NONE) {
            return b.slice();
        }
        ByteBuffer out = decompress(codec, b.duplicate().position(position + HEADER_SIZE), position,
                maxUncompressedBytes);
        out.put(0, b.slice().limit(HEADER_SIZE), 0, HEADER_SIZE);
        out.putInt(BATCH_LENGTH_OFFSET, out.limit() - LOG_OVERHEAD);
        out.putShort(ATTRIBUTES_OFFSET, (short) (header.attributes() & ~COMPRESSION_CODEC_MASK));
        return out;
    }

    /** The header space (61 bytes, left zero) and then the decompressed bytes of {@code compressed}. */
    private static ByteBuffer decompress(CompressionCodec codec, ByteBuffer compressed, int batchPosition,
                                     int maxUncompressedBytes) {
        long max = (long) HEADER_SIZE + maxUncompressedBytes;
        byte[] out = new byte[(int) Math.min(max, HEADER_SIZE + 4L * compressed.remaining() + READ_WINDOW_BYTES)];
        int size = HEADER_SIZE;
        try (InputStream in = codec.decompress(new ByteBufferInputStream(compressed))) {
            while (true) {
                if (size == out.length) {
                    if (size >= max) {
                        if (in.read() < 0) {
                            break;
                        }
                        throw new InvalidBatchException(Reason.TOO_LARGE, batchPosition, "the " + codec.configName()
                                + " records decompress to more than the limit of " + maxUncompressedBytes + " bytes");
                    }
                    out = Arrays.copyOf(out, (int) Math.min(max, 2L * out.length));
                }
                int read = in.read(out, size, Math.min(READ_WINDOW_BYTES, out.length - size));
                if (read < 0) {
                    break;
                }
                size += read;
            }
        } catch (InvalidBatchException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InvalidBatchException(Reason.MALFORMED, batchPosition, "the " + codec.configName()
                    + " records cannot be decompressed: " + e);
        }
        return ByteBuffer.wrap(out, 0, size);
    }

    /** Reads a buffer from its position to its limit; heap or direct. */
    private static final class ByteBufferInputStream extends InputStream {

        private final ByteBuffer buf;

        ByteBufferInputStream(ByteBuffer buf) {
            this.buf = buf;
        }

        @Override
        public int read() {
            return buf.hasRemaining() ? buf.get() & 0xFF : -1;
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            if (!buf.hasRemaining()) {
                return -1;
            }
            int n = Math.min(length, buf.remaining());
            buf.get(into, offset, n);
            return n;
        }

        @Override
        public int available() {
            return buf.remaining();
        }
    }
}
