package dev.backbone.server.http;

import dev.backbone.server.log.LogSlice;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.SynchronousSink;
import reactor.core.scheduler.Scheduler;

/**
 * A slice's bytes as a stream of buffers read from its file with positional reads: how a binary consume is sent
 * where sendfile cannot be used, on a TLS connection, where every byte must pass through the JVM to be encrypted.
 *
 * <p>Reactor Netty has a fallback of its own for a file region on a TLS connection, but it reads 1 KiB at a time
 * and flushes each kilobyte, so the TLS engine seals one small record per flush; chunks of {@value #CHUNK_BYTES}
 * bytes let it fill whole 16 KiB records. Reads run on the read scheduler (a cold segment blocks on the disk); at
 * most one chunk is read ahead of what the connection has taken.
 *
 * <p>Thread safety: stateless; each subscription has its own file channel.
 */
final class SliceChunks {

    static final int CHUNK_BYTES = 256 * 1024;

    private SliceChunks() {
    }

    /** The bytes of {@code slice}, in order, in buffers from {@code factory}. */
    static Flux<DataBuffer> read(LogSlice slice, DataBufferFactory factory, Scheduler scheduler) {
        return Flux.using(slice::openChannel,
                        channel -> Flux.generate(() -> 0L, (Long sent, SynchronousSink<DataBuffer> sink) ->
                                next(slice, channel, factory, sent, sink)),
                        SliceChunks::closeQuietly)
                .doOnDiscard(DataBuffer.class, DataBufferUtils::release)
                .subscribeOn(scheduler);
    }

    private static long next(LogSlice slice, FileChannel channel, DataBufferFactory factory, long sent,
                             SynchronousSink<DataBuffer> sink) {
        int length = (int) Math.min(CHUNK_BYTES, slice.sizeBytes() - sent);
        DataBuffer buffer = factory.allocateBuffer(length);
        try {
            readFully(slice, channel, buffer, slice.position() + sent, length);
        } catch (IOException e) {
            DataBufferUtils.release(buffer);
            sink.error(e);
            return sent;
        }
        sink.next(buffer);
        if (sent + length >= slice.sizeBytes()) {
            sink.complete();
        }
        return sent + length;
    }

    private static void readFully(LogSlice slice, FileChannel channel, DataBuffer buffer, long position, int length)
            throws IOException {
        int read = 0;
        try (DataBuffer.ByteBufferIterator writable = buffer.writableByteBuffers()) {
            while (read < length && writable.hasNext()) {
                ByteBuffer target = writable.next();
                target.limit(target.position() + Math.min(target.remaining(), length - read));
                while (target.hasRemaining()) {
                    int n = channel.read(target, position + read);
                    if (n < 0) {
                        throw new EOFException("segment " + slice.segmentFile() + " ended at byte " + (position + read)
                                + " inside a slice of " + slice.sizeBytes() + " bytes from " + slice.position());
                    }
                    read += n;
                }
            }
        }
        buffer.writePosition(buffer.writePosition() + read);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Reading is over; a failed close of a read-only channel loses nothing.
        }
    }
}
