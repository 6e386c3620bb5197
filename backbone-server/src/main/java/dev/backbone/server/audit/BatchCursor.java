package dev.backbone.server.audit;

import dev.backbone.client.batch.RecordBatchDescriptor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Walks the batches of a segment file between two byte positions, reading through one reusable window so a
 * walk over many small batches costs few system calls and no allocation per batch.
 *
 * <p>Only the framing is checked (the batch length is sane and the batch lies within the walked range); the
 * chain covers the bytes as they are, whatever they hold.
 *
 * <p>Thread safety: not thread safe; one walk at a time.
 */
final class BatchCursor {

    /** What {@link #next()} found. */
    enum Step {
        /** A whole batch; its facts are in the accessors. */
        BATCH,
        /** The walked range ends exactly here. */
        END,
        /** The bytes left do not hold a whole batch (fewer than a header, or shorter than its length says). */
        TORN,
        /** The batch length field is impossible. */
        BAD_LENGTH
    }

    private static final int MIN_BATCH_LENGTH = RecordBatchDescriptor.HEADER_SIZE - RecordBatchDescriptor.LOG_OVERHEAD;

    private final FileChannel channel;
    private final ByteBuffer window;
    private long windowStart;
    private long end;
    private long nextPosition;

    private long position;
    private int sizeInBytes;
    private long baseOffset;
    private int lastOffsetDelta;

    BatchCursor(FileChannel channel, ByteBuffer window) {
        this.channel = channel;
        this.window = window;
    }

    /** Starts a walk from {@code start} to {@code end} (exclusive). */
    BatchCursor reset(long start, long end) {
        this.nextPosition = start;
        this.end = end;
        this.windowStart = -1;
        window.clear().limit(0);
        return this;
    }

    Step next() throws IOException {
        long at = nextPosition;
        if (at == end) {
            return Step.END;
        }
        if (end - at < RecordBatchDescriptor.HEADER_SIZE) {
            position = at;
            return Step.TORN;
        }
        int base = ensure(at, RecordBatchDescriptor.HEADER_SIZE);
        int batchLength = window.getInt(base + RecordBatchDescriptor.BATCH_LENGTH_OFFSET);
        position = at;
        baseOffset = window.getLong(base + RecordBatchDescriptor.BASE_OFFSET_OFFSET);
        lastOffsetDelta = window.getInt(base + RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET);
        if (batchLength < MIN_BATCH_LENGTH || lastOffsetDelta < 0) {
            return Step.BAD_LENGTH;
        }
        long size = (long) RecordBatchDescriptor.LOG_OVERHEAD + batchLength;
        if (size > end - at) {
            return Step.TORN;
        }
        sizeInBytes = (int) size;
        nextPosition = at + size;
        return Step.BATCH;
    }

    /** Feeds the current batch's bytes to {@code hasher}, in window-sized pieces when it is large. */
    void hashBatch(ChainHasher hasher) throws IOException {
        long at = position;
        long remaining = sizeInBytes;
        while (remaining > 0) {
            int piece = (int) Math.min(remaining, window.capacity());
            int base = ensure(at, piece);
            hasher.update(window.slice(base, piece));
            at += piece;
            remaining -= piece;
        }
    }

    long position() {
        return position;
    }

    int sizeInBytes() {
        return sizeInBytes;
    }

    long baseOffset() {
        return baseOffset;
    }

    int lastOffsetDelta() {
        return lastOffsetDelta;
    }

    long lastOffset() {
        return baseOffset + lastOffsetDelta;
    }

    /** Makes {@code [at, at + length)} readable in the window and returns where {@code at} lies in it. */
    private int ensure(long at, int length) throws IOException {
        if (windowStart >= 0 && at >= windowStart && at + length <= windowStart + window.limit()) {
            return (int) (at - windowStart);
        }
        window.clear();
        window.limit((int) Math.min(window.capacity(), end - at));
        long filePosition = at;
        while (window.hasRemaining()) {
            int n = channel.read(window, filePosition);
            if (n < 0) {
                throw new java.io.EOFException("segment ends at " + filePosition + " before the walked end " + end);
            }
            filePosition += n;
        }
        window.flip();
        windowStart = at;
        return 0;
    }
}
