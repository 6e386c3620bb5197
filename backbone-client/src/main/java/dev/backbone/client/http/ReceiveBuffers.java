package dev.backbone.client.http;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Arrays that the bodies of large answers (binary fetches of megabytes) are gathered into, kept for the next
 * answer. Gathering the network's chunks into an array of the answer's size, taken from here, replaces what
 * aggregating them cost before: fresh native memory of the answer's size for every answer (its pages faulted in
 * by the kernel) and a copy into it, then an array per record. Kept arrays are few and bounded in size; an answer
 * that finds none big enough gets a new one, which is kept afterwards if there is room. Answers under
 * {@link #MIN_KEPT_BYTES} get arrays of their own.
 *
 * <p>Thread-safe (one lock around the small stack); a {@link Body} is confined to the event loop of its answer.
 */
final class ReceiveBuffers {

    /** Arrays kept: enough for a listener's reads of several partitions in flight at once. */
    static final int MAX_KEPT = 8;

    /** The smallest array kept: a small answer's array costs little to allocate, and is never humongous. */
    static final int MIN_KEPT_BYTES = 64 * 1024;

    /** The largest array kept; a larger answer's array is left to the garbage collector. */
    static final int MAX_KEPT_BYTES = 8 * 1024 * 1024;

    private static final int UNKNOWN_LENGTH_START_BYTES = MIN_KEPT_BYTES;

    private static final int MIB = 1024 * 1024;

    private final ArrayDeque<byte[]> kept = new ArrayDeque<>();

    /**
     * A body to gather an answer into.
     *
     * @param contentLength the answer's {@code Content-Length}, or -1 when it has none (the array then grows)
     */
    Body take(long contentLength) {
        int wanted = contentLength < 0 ? UNKNOWN_LENGTH_START_BYTES : (int) Math.min(Integer.MAX_VALUE - 8,
                contentLength);
        byte[] array = null;
        if (wanted >= MIN_KEPT_BYTES) {
            synchronized (kept) {
                // The smallest that fits, so that a large array stays for the large answers.
                for (byte[] candidate : kept) {
                    if (candidate.length >= wanted && (array == null || candidate.length < array.length)) {
                        array = candidate;
                    }
                }
                if (array != null) {
                    kept.remove(array);
                }
            }
        }
        return new Body(array == null ? new byte[capacityFor(wanted)] : array);
    }

    /**
     * Room for {@code wanted} bytes with headroom, so that a kept array also serves the next answers of about the
     * same size (fetches of one {@code max-bytes} differ by a batch or so): the next power of two up to 1 MiB, above
     * that an eighth more, rounded up to a whole MiB.
     */
    static int capacityFor(int wanted) {
        if (wanted <= MIB) {
            return wanted <= 1 ? 1 : Integer.highestOneBit(wanted - 1) << 1;
        }
        long rounded = ((long) wanted + wanted / 8 + MIB - 1) / MIB * MIB;
        return (int) Math.min(Integer.MAX_VALUE - 8, rounded);
    }

    /** Takes back the array of a body that is no longer read. */
    void give(Body body) {
        byte[] array = body.array;
        if (array.length > MAX_KEPT_BYTES || array.length < MIN_KEPT_BYTES) {
            return;
        }
        synchronized (kept) {
            if (kept.size() >= MAX_KEPT) {
                // Keep the larger arrays: they serve every answer the smaller ones do.
                byte[] smallest = kept.stream().min((a, b) -> Integer.compare(a.length, b.length)).orElseThrow();
                if (smallest.length >= array.length) {
                    return;
                }
                kept.remove(smallest);
            }
            kept.push(array);
        }
    }

    /** How many arrays are kept now (for tests). */
    int keptCount() {
        synchronized (kept) {
            return kept.size();
        }
    }

    /** One answer's body as it arrives. Not thread-safe: written and read on the answer's event loop. */
    static final class Body {

        private byte[] array;

        private int length;

        private Body(byte[] array) {
            this.array = array;
        }

        /** Appends a chunk of the answer (the chunk's reader index does not move). */
        void append(ByteBuf chunk) {
            int readable = chunk.readableBytes();
            if (length + readable > array.length) {
                array = Arrays.copyOf(array, Math.max(length + readable, array.length * 2));
            }
            chunk.getBytes(chunk.readerIndex(), array, length, readable);
            length += readable;
        }

        /** The bytes gathered so far, as a view valid until the body is given back. */
        ByteBuffer view() {
            return ByteBuffer.wrap(array, 0, length);
        }
    }
}
