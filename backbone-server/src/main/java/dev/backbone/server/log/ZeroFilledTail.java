package dev.backbone.server.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A stretch of zeros written ahead of the data at the end of the active segment's {@code .log} file.
 *
 * <p>Why: an fdatasync after an append that grew the file must also commit the file system journal (new
 * blocks, new size), which on ext4 about doubles its latency when appends keep arriving during the fsync.
 * Appends that overwrite zeros already on disk change no metadata, so their fdatasync writes the data pages
 * only. This is what makes group commit fast; SYNC appends extend the stretch, other appends only use it.
 *
 * <p>The zeros are never data: readers stop at the segment's size, a clean shutdown and every roll cut them
 * off ({@link #trim}), and recovery after a crash recognises an all-zero tail ({@link #isZeros}) and cuts it
 * without counting it as damage.
 *
 * <p>Thread safety: guarded by the partition's append lock, like the segment's writer state.
 */
public final class ZeroFilledTail {

    /** How far ahead of the data the zeros reach after an extension. */
    static final int CHUNK_BYTES = 1 << 20;

    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(256 * 1024).asReadOnlyBuffer();
    private static final System.Logger LOG = System.getLogger(ZeroFilledTail.class.getName());

    private int fileEnd;

    /** @param fileSize the length of the file now, zeros included */
    ZeroFilledTail(int fileSize) {
        this.fileEnd = fileSize;
    }

    /**
     * Called after data was written up to {@code dataEnd}: when less than half a chunk of zeros is left ahead,
     * writes zeros up to a chunk ahead (never beyond {@code limit}). A failure (a full disk) is not the
     * append's: it leaves the file valid and shows again at the next write of data.
     */
    void extendAhead(FileChannel channel, int dataEnd, long limit) {
        if ((long) fileEnd - dataEnd >= CHUNK_BYTES / 2) {
            return;
        }
        long from = Math.max(fileEnd, dataEnd);
        long to = Math.min((long) dataEnd + CHUNK_BYTES, limit);
        try {
            long position = from;
            while (position < to) {
                ByteBuffer zeros = ZEROS.duplicate();
                zeros.limit((int) Math.min(zeros.capacity(), to - position));
                position += channel.write(zeros, position);
            }
            fileEnd = (int) Math.max(fileEnd, position);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "no zeros ahead of the data: " + e.getMessage());
            fileEnd = dataEnd;
            try {
                channel.truncate(dataEnd);
            } catch (IOException ignored) {
                // The write of the next append reports the file system's state.
            }
        }
    }

    /** The file was cut to {@code size} (by a failed append): no zeros beyond it any more. */
    void truncatedTo(int size) {
        fileEnd = size;
    }

    /** Cuts the zeros off, so the file ends where the data does. */
    void trim(FileChannel channel, int dataEnd) throws IOException {
        if (fileEnd > dataEnd || channel.size() > dataEnd) {
            channel.truncate(dataEnd);
        }
        fileEnd = dataEnd;
    }

    /**
     * Whether every byte of the file from {@code from} to its end is zero: what {@link #extendAhead} leaves, and
     * what a reader of a segment file (recovery, an offline audit of a copy) takes for the end of the data.
     */
    public static boolean isZeros(FileChannel channel, long from) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long end = channel.size();
        long position = from;
        while (position < end) {
            buffer.clear();
            int n = channel.read(buffer, position);
            if (n < 0) {
                return true;
            }
            for (int i = 0; i < n; i++) {
                if (buffer.get(i) != 0) {
                    return false;
                }
            }
            position += n;
        }
        return true;
    }
}
