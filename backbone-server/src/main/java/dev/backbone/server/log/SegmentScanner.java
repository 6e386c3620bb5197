package dev.backbone.server.log;

import dev.backbone.client.batch.InvalidBatchException;
import dev.backbone.client.batch.RecordBatchDescriptor;
import dev.backbone.client.batch.RecordBatchHeader;
import dev.backbone.client.batch.RecordBatchValidator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Reads a segment file from byte 0 batch by batch, in windows of about a megabyte, and checks each batch as
 * recovery must: it fits the file, passes {@link RecordBatchValidator} (framing and CRC-32C) and carries the
 * next expected base offset. Stops at the first batch that does not; the caller truncates there.
 *
 * <p>No allocation is sized by a length read from the file before that length is checked against the file.
 *
 * <p>Thread safety: none; used by recovery before the log is shared.
 */
final class SegmentScanner {

    private static final int READ_BYTES = 1 << 20;

    /** Receives each valid batch, in file order. */
    @FunctionalInterface
    interface Visitor {
        void batch(RecordBatchHeader header, int position, int sizeInBytes);
    }

    /**
     * What the scan found.
     *
     * @param validBytes the length of the valid prefix of the file
     * @param nextOffset one past the last offset of the valid prefix
     * @param problem    why the scan stopped before the end of the file, or null when the whole file is valid
     */
    record Result(long validBytes, long nextOffset, String problem) {
    }

    private final FileChannel channel;
    private final Path file;
    private ByteBuffer window = ByteBuffer.allocate(0);
    private long windowStart;

    SegmentScanner(FileChannel channel, Path file) {
        this.channel = channel;
        this.file = file;
    }

    Result scan(long baseOffset, Visitor visitor) throws IOException {
        long fileSize = channel.size();
        long expected = baseOffset;
        long position = 0;
        while (position < fileSize) {
            if (fileSize - position < RecordBatchDescriptor.HEADER_SIZE) {
                return new Result(position, expected, "torn batch header: " + (fileSize - position) + " bytes left");
            }
            ByteBuffer header = bytesAt(position, RecordBatchDescriptor.HEADER_SIZE, fileSize);
            int length = header.getInt(RecordBatchDescriptor.BATCH_LENGTH_OFFSET);
            long size = RecordBatchDescriptor.LOG_OVERHEAD + (long) length;
            if (length < RecordBatchDescriptor.HEADER_SIZE - RecordBatchDescriptor.LOG_OVERHEAD
                    || position + size > fileSize) {
                return new Result(position, expected, "torn or malformed batch: length " + length + " with "
                        + (fileSize - position) + " bytes left");
            }
            ByteBuffer batch = bytesAt(position, (int) size, fileSize);
            batch.limit((int) size);
            RecordBatchHeader validated;
            try {
                validated = RecordBatchValidator.validate(batch, 0, Integer.MAX_VALUE);
            } catch (InvalidBatchException e) {
                return new Result(position, expected, "invalid batch (" + e.reason() + "): " + e.getMessage());
            }
            if (validated.baseOffset() != expected) {
                return new Result(position, expected, "batch has base offset " + validated.baseOffset() + " where "
                        + expected + " was expected");
            }
            visitor.batch(validated, (int) position, (int) size);
            expected = validated.lastOffset() + 1;
            position += size;
        }
        return new Result(position, expected, null);
    }

    /** A buffer whose index 0 is file {@code position}, holding at least {@code needed} bytes. */
    private ByteBuffer bytesAt(long position, int needed, long fileSize) throws IOException {
        if (position < windowStart || position + needed > windowStart + window.limit()) {
            window = ByteBuffer.allocate(Math.max(needed, READ_BYTES));
            window.limit((int) Math.min(window.capacity(), fileSize - position));
            while (window.hasRemaining()) {
                if (channel.read(window, position + window.position()) < 0) {
                    break;
                }
            }
            window.flip();
            windowStart = position;
            if (window.limit() < needed) {
                throw new IOException("read only " + window.limit() + " of " + needed + " bytes at position "
                        + position + " of " + file);
            }
        }
        return window.duplicate().position((int) (position - windowStart)).slice();
    }
}
