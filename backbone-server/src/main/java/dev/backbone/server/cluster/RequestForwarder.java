package dev.backbone.server.cluster;

import dev.backbone.server.replication.ClusterPeer;
import dev.backbone.server.replication.NoLeaderException;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Sends a request received by this broker, as it came (method, path, query, headers, body), to another broker of
 * the cluster and answers with that broker's answer. The copy carries {@link #FORWARDED_BY} so that the receiver
 * never forwards it again: two brokers with different views of a leader cannot bounce a request between them.
 *
 * <p>Bodies are small (group requests); both the request and the answer are held in memory, up to
 * {@code maxBodyBytes}.
 *
 * <p>Thread safety: thread-safe; one connection pool for all forwards, closed with {@link #close}.
 */
public final class RequestForwarder implements AutoCloseable {

    /** Names the broker that forwarded a request. */
    public static final String FORWARDED_BY = "Backbone-Forwarded-By";

    /** Hop-by-hop headers (RFC 9110) and those the HTTP client sets itself. */
    private static final Set<String> NOT_COPIED = Set.of("host", "connection", "keep-alive", "transfer-encoding",
            "te", "trailer", "upgrade", "proxy-connection", "content-length");

    private final ConnectionProvider connections = ConnectionProvider.builder("backbone-forward")
            .maxConnections(64).pendingAcquireMaxCount(1024).build();
    private final HttpClient client = HttpClient.create(connections);
    private final String selfId;
    private final int maxBodyBytes;

    public RequestForwarder(String selfId, int maxBodyBytes) {
        this.selfId = selfId;
        this.maxBodyBytes = maxBodyBytes;
    }

    public static boolean wasForwarded(ServerHttpRequest request) {
        return request.getHeaders().containsHeader(FORWARDED_BY);
    }

    /**
     * Forwards the exchange's request to {@code target} and writes its answer.
     *
     * @param timeout how long the target may take to answer (a long poll's wait included)
     * @param what    names the group in the 503 answered when the target cannot be reached
     * @param last    whether the target must serve the request rather than forward it again
     */
    public Mono<Void> forward(ServerWebExchange exchange, ClusterPeer target, Duration timeout, String what,
                              boolean last) {
        ServerHttpRequest request = exchange.getRequest();
        URI uri = URI.create(target.httpUrl() + request.getURI().getRawPath()
                + (request.getURI().getRawQuery() == null ? "" : "?" + request.getURI().getRawQuery()));
        return DataBufferUtils.join(request.getBody(), maxBodyBytes)
                .map(RequestForwarder::bytes)
                .defaultIfEmpty(new byte[0])
                .flatMap(body -> client
                        .headers(headers -> {
                            request.getHeaders().forEach((name, values) -> {
                                if (!NOT_COPIED.contains(name.toLowerCase(Locale.ROOT))) {
                                    headers.add(name, values);
                                }
                            });
                            if (last) {
                                headers.set(FORWARDED_BY, selfId);
                            }
                            headers.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
                        })
                        .responseTimeout(timeout)
                        .request(HttpMethod.valueOf(request.getMethod().name()))
                        .uri(uri)
                        .send(ByteBufFlux.fromInbound(Mono.just(Unpooled.wrappedBuffer(body))))
                        .responseSingle((answer, content) -> content.asByteArray().defaultIfEmpty(new byte[0])
                                .map(bytes -> new Answer(answer.status().code(), answer.responseHeaders(), bytes))))
                .onErrorMap(e -> !(e instanceof DataBufferLimitException),
                        e -> new NoLeaderException(what + " (its coordinator " + target.id() + " did not answer: "
                                + e + ")", timeout, e))
                .flatMap(answer -> write(exchange.getResponse(), answer));
    }

    private static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    private static Mono<Void> write(ServerHttpResponse response, Answer answer) {
        response.setStatusCode(HttpStatusCode.valueOf(answer.status()));
        // Replaced, not added: this broker's own filters may have set some (security headers) already.
        for (String name : answer.headers().names()) {
            if (!NOT_COPIED.contains(name.toLowerCase(Locale.ROOT))) {
                response.getHeaders().put(name, answer.headers().getAll(name));
            }
        }
        if (answer.body().length == 0) {
            return response.setComplete();
        }
        return response.writeWith(Mono.just(response.bufferFactory().wrap(answer.body())));
    }

    private record Answer(int status, HttpHeaders headers, byte[] body) {
    }

    @Override
    public void close() {
        connections.dispose();
    }
}
