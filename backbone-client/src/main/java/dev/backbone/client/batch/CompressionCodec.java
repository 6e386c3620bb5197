package dev.backbone.client.batch;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.xerial.snappy.SnappyError;
import org.xerial.snappy.SnappyInputStream;
import org.xerial.snappy.SnappyOutputStream;

/**
 * The compression codecs of the record batch attributes (bits 0-2), each with the stream framing Apache Kafka
 * uses for it, so that batches compressed here are read by Kafka clients and the other way round:
 * gzip is RFC 1952, snappy is snappy-java's stream format, lz4 is the LZ4 frame format with independent 64 KiB
 * blocks (Kafka's {@code Lz4BlockOutputStream} writes the same), zstd is a zstd frame.
 *
 * <p>In a compressed batch only the records section (from byte 61) is compressed, as one stream; the header
 * stays plain so that offsets, counts and the CRC can be read without decompressing.
 *
 * <p>Thread safety: immutable; every call makes its own stream.
 */
public enum CompressionCodec {

    NONE(0, "none") {
        @Override
        public OutputStream compress(OutputStream out) {
            return out;
        }

        @Override
        public InputStream decompress(InputStream in) {
            return in;
        }
    },
    GZIP(1, "gzip") {
        @Override
        public OutputStream compress(OutputStream out) throws IOException {
            return new GZIPOutputStream(out, BLOCK_BYTES);
        }

        @Override
        public InputStream decompress(InputStream in) throws IOException {
            return new GZIPInputStream(in, BLOCK_BYTES);
        }
    },
    SNAPPY(2, "snappy") {
        @Override
        public OutputStream compress(OutputStream out) {
            return Snappy.compress(out);
        }

        @Override
        public InputStream decompress(InputStream in) throws IOException {
            return Snappy.decompress(in);
        }
    },
    LZ4(3, "lz4") {
        @Override
        public OutputStream compress(OutputStream out) throws IOException {
            return Lz4.compress(out);
        }

        @Override
        public InputStream decompress(InputStream in) throws IOException {
            return Lz4.decompress(in);
        }
    },
    ZSTD(4, "zstd") {
        @Override
        public OutputStream compress(OutputStream out) throws IOException {
            return Zstd.compress(out);
        }

        @Override
        public InputStream decompress(InputStream in) throws IOException {
            return Zstd.decompress(in);
        }
    };

    private static final int BLOCK_BYTES = 8 * 1024;
    private static final CompressionCodec[] BY_ID = values();

    private final int id;
    private final String configName;

    CompressionCodec(int id, String configName) {
        this.id = id;
        this.configName = configName;
    }

    /** The value of attribute bits 0-2. */
    public int id() {
        return id;
    }

    /** The lower-case name Kafka's {@code compression.type} uses: none, gzip, snappy, lz4, zstd. */
    public String configName() {
        return configName;
    }

    /** Wraps {@code out} so that what is written to the result reaches {@code out} compressed; close it to finish. */
    public abstract OutputStream compress(OutputStream out) throws IOException;

    /** Wraps {@code in}, which holds one compressed records section, so that reading gives the plain bytes. */
    public abstract InputStream decompress(InputStream in) throws IOException;

    /*
     * Each library is touched only inside its own holder class, which the JVM loads (and verifies) the first time
     * that codec is used: reading gzip or uncompressed batches never needs the other libraries on the class path.
     */

    private static final class Snappy {

        static OutputStream compress(OutputStream out) {
            return new SnappyOutputStream(out);
        }

        static InputStream decompress(InputStream in) throws IOException {
            return new SnappyErrors(new SnappyInputStream(in));
        }
    }

    /** snappy-java reports a corrupt chunk header as an {@code Error}; it is only a bad input, an IOException. */
    private static final class SnappyErrors extends FilterInputStream {

        SnappyErrors(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (SnappyError e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            try {
                return super.read(into, offset, length);
            } catch (SnappyError e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }

    private static final class Lz4 {

        static OutputStream compress(OutputStream out) throws IOException {
            return new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB,
                    LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE);
        }

        static InputStream decompress(InputStream in) throws IOException {
            return new LZ4FrameInputStream(in);
        }
    }

    private static final class Zstd {

        static OutputStream compress(OutputStream out) throws IOException {
            // Kafka's default level (3); the pool recycles zstd's internal buffers across batches.
            return new ZstdOutputStreamNoFinalizer(out, RecyclingBufferPool.INSTANCE, 3);
        }

        static InputStream decompress(InputStream in) throws IOException {
            return new ZstdInputStreamNoFinalizer(in, RecyclingBufferPool.INSTANCE);
        }
    }

    /**
     * The codec of attribute bits 0-2.
     *
     * @throws InvalidBatchException (UNSUPPORTED_COMPRESSION) for ids 5-7, which no Kafka version defines
     */
    public static CompressionCodec ofId(int id, long batchPosition) {
        if (id < 0 || id >= BY_ID.length) {
            throw new InvalidBatchException(InvalidBatchException.Reason.UNSUPPORTED_COMPRESSION, batchPosition,
                    "compression codec " + id + " is not one of none (0), gzip (1), snappy (2), lz4 (3), zstd (4)");
        }
        return BY_ID[id];
    }

    /**
     * The codec with {@code name} (case-insensitive), as a configuration value names it.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static CompressionCodec forName(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (CompressionCodec codec : BY_ID) {
            if (codec.configName.equals(wanted)) {
                return codec;
            }
        }
        throw new IllegalArgumentException("unknown compression codec '" + name + "'; known codecs are "
                + Arrays.stream(BY_ID).map(CompressionCodec::configName).toList());
    }
}
