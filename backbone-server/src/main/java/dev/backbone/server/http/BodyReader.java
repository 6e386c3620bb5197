package dev.backbone.server.http;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.nio.ByteBuffer;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Gathers a request body into one buffer, refusing it with 413 as soon as it passes a limit: at once when the
 * Content-Length says so, otherwise when the bytes that arrived do. Each network buffer is copied exactly once,
 * into the result, and released at once, so a refused body holds no memory.
 *
 * <p>Thread safety: stateless.
 */
public final class BodyReader {

    private BodyReader() {
    }

    /** The body in a direct buffer (position 0, limit = size), the form the engine writes without another copy. */
    public static Mono<ByteBuffer> readDirect(ServerHttpRequest request, int limitBytes) {
        return read(request.getBody(), request.getHeaders().getContentLength(), limitBytes, true);
    }

    /** The body in a heap buffer backed by an array from offset 0, for parsers that want a {@code byte[]}. */
    public static Mono<ByteBuffer> readHeap(ServerHttpRequest request, int limitBytes) {
        return read(request.getBody(), request.getHeaders().getContentLength(), limitBytes, false);
    }

    static Mono<ByteBuffer> read(Flux<DataBuffer> body, long contentLength, int limitBytes, boolean direct) {
        if (contentLength > limitBytes) {
            return Mono.error(tooLarge(contentLength, limitBytes));
        }
        return Mono.defer(() -> {
            Accumulator acc = new Accumulator(contentLength, limitBytes, direct);
            // Each buffer is released here, once copied; mapping it to its size keeps then() from handing the
            // released buffer to WebFlux's discard hook, which would release it a second time.
            return body.map(buffer -> {
                try {
                    return acc.append(buffer);
                } finally {
                    DataBufferUtils.release(buffer);
                }
            }).then(Mono.fromCallable(acc::finish));
        });
    }

    private static BackboneException tooLarge(long size, int limitBytes) {
        return new BackboneException(ProblemType.REQUEST_TOO_LARGE, "the request body has " + (size >= 0
                ? size + " bytes" : "more bytes") + "; at most " + limitBytes + " are accepted",
                Map.of("limitBytes", limitBytes));
    }

    /** Grows by doubling when the length is unknown; never past the limit. Not thread-safe: one per request. */
    private static final class Accumulator {
        private final int limitBytes;
        private final boolean direct;
        private ByteBuffer buffer;

        Accumulator(long contentLength, int limitBytes, boolean direct) {
            this.limitBytes = limitBytes;
            this.direct = direct;
            int initial = contentLength >= 0 ? (int) contentLength : Math.min(limitBytes, 64 * 1024);
            this.buffer = allocate(initial);
        }

        int append(DataBuffer data) {
            int incoming = data.readableByteCount();
            if ((long) buffer.position() + incoming > limitBytes) {
                throw tooLarge((long) buffer.position() + incoming, limitBytes);
            }
            if (buffer.remaining() < incoming) {
                int needed = buffer.position() + incoming;
                int capacity = (int) Math.min(limitBytes, Math.max(needed, 2L * buffer.capacity()));
                ByteBuffer grown = allocate(capacity);
                buffer.flip();
                grown.put(buffer);
                buffer = grown;
            }
            try (DataBuffer.ByteBufferIterator chunks = data.readableByteBuffers()) {
                while (chunks.hasNext()) {
                    buffer.put(chunks.next());
                }
            }
            return incoming;
        }

        ByteBuffer finish() {
            return buffer.flip();
        }

        private ByteBuffer allocate(int capacity) {
            return direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
        }
    }
}
