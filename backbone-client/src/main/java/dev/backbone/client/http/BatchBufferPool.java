package dev.backbone.client.http;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * A few large batch buffers kept for reuse once their batches were acknowledged, so that a producer sending
 * batches near its batch size does not allocate a new array of that size per request (in G1, arrays of half a
 * region or more are humongous: each is allocated in regions of its own and can start a concurrent cycle). Only
 * buffers of at least {@link #MIN_POOLED_BYTES} are kept, at most {@code capacity} of them, so the memory held is
 * bounded whatever the number of partitions.
 *
 * <p>Thread-safe.
 */
final class BatchBufferPool {

    /** Smaller arrays are cheap to allocate (young, in a thread-local buffer) and not worth holding on to. */
    static final int MIN_POOLED_BYTES = 256 * 1024;

    private final ArrayBlockingQueue<ByteBuffer> spare;

    BatchBufferPool(int capacity) {
        this.spare = new ArrayBlockingQueue<>(capacity);
    }

    /** A spare buffer of at least {@code bytes}, or null when the caller should allocate its own. */
    ByteBuffer take(int bytes) {
        if (bytes < MIN_POOLED_BYTES) {
            return null;
        }
        ByteBuffer buffer = spare.poll();
        // A spare too small for this batch is dropped: batch sizes change rarely, and the next return brings a
        // buffer of the current size.
        return buffer != null && buffer.capacity() >= bytes ? buffer : null;
    }

    /** Keeps a buffer whose batch is no longer needed, if it is large enough and there is room. */
    void giveBack(ByteBuffer buffer) {
        if (buffer != null && buffer.capacity() >= MIN_POOLED_BYTES) {
            spare.offer(buffer);
        }
    }
}
