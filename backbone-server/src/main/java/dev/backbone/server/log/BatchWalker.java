package dev.backbone.server.log;

import dev.backbone.client.batch.RecordBatchDescriptor;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Reads batch headers of a segment file one at a time with positional reads of
 * {@value RecordBatchDescriptor#HEADER_SIZE} bytes, so that a reader can step from an index entry to the
 * exact batch it wants without reading the records in between.
 *
 * <p>Only the fields needed to step and to search are exposed. The walker trusts data below a segment's
 * written size (it was validated when appended or recovered) but still refuses a length that would step
 * outside {@code limit}, so a damaged file yields an {@link IOException} rather than a wild read.
 *
 * <p>Thread safety: none; one walker per read. Positional reads never move the shared channel's position.
 */
final class BatchWalker {

    private final FileChannel channel;
    private final Path file;
    private final ByteBuffer header = ByteBuffer.allocate(RecordBatchDescriptor.HEADER_SIZE);
    private long position = -1;

    BatchWalker(FileChannel channel, Path file) {
        this.channel = channel;
        this.file = file;
    }

    /**
     * Reads the header of the batch at {@code position}, which must end at or before {@code limit}.
     *
     * @throws IOException when the header cannot be read or the batch does not fit below {@code limit}
     */
    BatchWalker readAt(long position, long limit) throws IOException {
        if (limit - position < RecordBatchDescriptor.HEADER_SIZE) {
            throw new IOException("no batch header fits at position " + position + " of " + file + " (limit "
                    + limit + ")");
        }
        header.clear();
        while (header.hasRemaining()) {
            int n = channel.read(header, position + header.position());
            if (n < 0) {
                throw new EOFException("end of " + file + " inside the batch header at position " + position);
            }
        }
        this.position = position;
        long end = position + sizeInBytes();
        if (batchLength() < RecordBatchDescriptor.HEADER_SIZE - RecordBatchDescriptor.LOG_OVERHEAD || end > limit) {
            throw new IOException("batch at position " + position + " of " + file + " has length " + batchLength()
                    + " which does not fit below " + limit);
        }
        return this;
    }

    long position() {
        return position;
    }

    long baseOffset() {
        return header.getLong(RecordBatchDescriptor.BASE_OFFSET_OFFSET);
    }

    int batchLength() {
        return header.getInt(RecordBatchDescriptor.BATCH_LENGTH_OFFSET);
    }

    int sizeInBytes() {
        return RecordBatchDescriptor.LOG_OVERHEAD + batchLength();
    }

    long nextPosition() {
        return position + sizeInBytes();
    }

    long lastOffset() {
        return baseOffset() + header.getInt(RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET);
    }

    long maxTimestamp() {
        return header.getLong(RecordBatchDescriptor.MAX_TIMESTAMP_OFFSET);
    }
}
