package dev.backbone.client.http;

import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Schedulers;
import reactor.netty.ByteBufFlux;
import reactor.netty.NettyOutbound;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.resources.ConnectionProvider;

/**
 * Sends requests to the broker over one pool of keep-alive connections and turns answers into {@link Answer}s or
 * exceptions, repeating what is safe to repeat.
 *
 * <p>Every attempt asks the credentials for a token, so a rotated token is picked up by the next attempt. Nothing
 * here blocks: the body is read into one array on the event loop (or decoded where it was gathered, see
 * {@link #exchange(RequestSpec, BiFunction)}), and backoff waits are timers.
 *
 * <p>Thread-safe; one per {@link BackboneClient}.
 */
final class HttpTransport implements AutoCloseable {

    private static final byte[] NO_BODY = new byte[0];
    private static final String JSON = "application/json";

    private final BackboneClientSettings settings;
    private final ConnectionProvider connections;
    private final HttpClient http;
    private final ReceiveBuffers receiveBuffers = new ReceiveBuffers();

    HttpTransport(BackboneClientSettings settings) {
        this.settings = settings;
        this.connections = ConnectionProvider.builder("backbone-client")
                .maxConnections(settings.maxConnections())
                // Requests beyond the pool wait for a connection rather than fail; the wait is bounded below.
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(settings.responseTimeout())
                .maxIdleTime(Duration.ofSeconds(30))
                .build();
        String base = settings.baseUri().toString();
        this.http = HttpClient.create(connections)
                .baseUrl(base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        settings.connectTimeout().toMillis()))
                .keepAlive(true)
                .headers(h -> h.set(HttpHeaderNames.USER_AGENT, settings.userAgent()));
    }

    /** Sends the request (again, if it fails and may be repeated) and answers its successful answer. */
    Mono<Answer> exchange(RequestSpec spec) {
        return attempt(spec, HttpTransport::wholeAnswer, 1);
    }

    /**
     * Like {@link #exchange}, but a successful answer's body goes to {@code decoder} as a view that is valid only
     * while the decoder runs (it copies what it keeps): the body is gathered, as it arrives, into an array kept for
     * the next such answer ({@link ReceiveBuffers}), so a large answer, such as a binary fetch of megabytes, costs
     * neither fresh memory of its size nor a copy per aggregation step. The {@link Answer} the decoder gets carries
     * the status and headers, and an empty body.
     */
    <T> Mono<T> exchange(RequestSpec spec, BiFunction<Answer, ByteBuffer, T> decoder) {
        return attempt(spec, (status, headers, content) -> decodeInPlace(status, headers, content, decoder), 1);
    }

    /** How a successful answer's body is read. */
    @FunctionalInterface
    private interface BodyReader<T> {
        Mono<T> read(int status, HttpHeaders headers, ByteBufFlux content);
    }

    private static Mono<Answer> wholeAnswer(int status, HttpHeaders headers, ByteBufFlux content) {
        return content.aggregate().asByteArray().defaultIfEmpty(NO_BODY)
                .map(body -> new Answer(status, headers, body));
    }

    private <T> Mono<T> decodeInPlace(int status, HttpHeaders headers, ByteBufFlux content,
                                      BiFunction<Answer, ByteBuffer, T> decoder) {
        Answer head = new Answer(status, headers, NO_BODY);
        long length = contentLength(headers);
        return Mono.defer(() -> {
            ReceiveBuffers.Body body = receiveBuffers.take(length);
            // Reactor Netty releases each chunk once this consumer returns; the bytes are copied out before.
            return content.doOnNext(body::append)
                    .then(Mono.fromSupplier(() -> decoder.apply(head, body.view())))
                    .doFinally(signal -> {
                        // A cancelled answer may still be written by its event loop: its array is not reused.
                        if (signal != SignalType.CANCEL) {
                            receiveBuffers.give(body);
                        }
                    });
        });
    }

    /** The answer's announced length, or -1 when it has none (or none that can be read). */
    private static long contentLength(HttpHeaders headers) {
        String value = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        try {
            return value == null ? -1 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private <T> Mono<T> attempt(RequestSpec spec, BodyReader<T> reader, int attempt) {
        return sendOnce(spec, reader)
                .onErrorResume(error -> {
                    if (attempt < settings.retry().maxAttempts() && isRetryable(spec, error)) {
                        return Mono.delay(waitBefore(attempt, error)).then(Mono.defer(() -> attempt(spec, reader,
                                attempt + 1)));
                    }
                    return Mono.error(error instanceof BackboneClientException ? error
                            : new BackboneUnavailableException(spec.describe(), attempt, error));
                });
    }

    private <T> Mono<T> sendOnce(RequestSpec spec, BodyReader<T> reader) {
        return http.request(spec.method()).uri(spec.path())
                .send((request, out) -> prepare(spec, request, out))
                .response((response, content) -> {
                    int status = response.status().code();
                    if (status >= 200 && status < 300) {
                        return reader.read(status, response.responseHeaders(), content);
                    }
                    return content.aggregate().asByteArray().defaultIfEmpty(NO_BODY).flatMap(body -> Mono.error(
                            ProblemMapper.toException(status, response.responseHeaders(), body)));
                })
                .single();
    }

    private NettyOutbound prepare(RequestSpec spec, HttpClientRequest request, NettyOutbound out) {
        request.responseTimeout(settings.responseTimeout().plus(spec.extraWait()));
        HttpHeaders headers = request.requestHeaders();
        String token = settings.credentials().token();
        if (token != null) {
            headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
        }
        headers.set(HttpHeaderNames.ACCEPT, spec.accept() == null ? JSON : spec.accept());
        if (spec.idempotencyKey() != null) {
            headers.set("Idempotency-Key", spec.idempotencyKey());
        }
        if (spec.body() == null) {
            headers.set(HttpHeaderNames.CONTENT_LENGTH, 0);
            return out;
        }
        headers.set(HttpHeaderNames.CONTENT_TYPE, spec.contentType());
        return out.send(Mono.fromSupplier(spec.body()));
    }

    /** Whether a failed attempt may be sent again. */
    static boolean isRetryable(RequestSpec spec, Throwable error) {
        if (spec.retry() == RequestSpec.Retry.NEVER) {
            return false;
        }
        if (isNotSent(error)) {
            return true;
        }
        if (spec.retry() != RequestSpec.Retry.SAFE) {
            return false;
        }
        if (error instanceof BackboneProblemException problem) {
            int status = problem.status();
            return status == 503 || status == 502 || status == 504 || status == 429
                    || status == 500 && "internal-error".equals(problem.slug());
        }
        return isTransportFailure(error);
    }

    /** The connection could not be made, so the request never reached the broker. */
    private static boolean isNotSent(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof ConnectTimeoutException
                    || t.getClass().getSimpleName().startsWith("PoolAcquire")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTransportFailure(Throwable error) {
        return error instanceof IOException || error instanceof TimeoutException
                || error instanceof io.netty.handler.timeout.TimeoutException
                || error instanceof ChannelException;
    }

    /** The backoff for {@code attempt}, less up to half at random; a 429's {@code Retry-After} if longer. */
    private Duration waitBefore(int attempt, Throwable error) {
        long millis = settings.retry().backoff(attempt).toMillis();
        long jittered = millis - (millis > 1 ? ThreadLocalRandom.current().nextLong(millis / 2 + 1) : 0);
        if (error instanceof QuotaExceededException quota && quota.retryAfter() != null) {
            jittered = Math.max(jittered, quota.retryAfter().toMillis());
        }
        return Duration.ofMillis(jittered);
    }

    @Override
    public void close() {
        if (Schedulers.isInNonBlockingThread()) {
            connections.disposeLater().subscribe();
        } else {
            connections.disposeLater().block(Duration.ofSeconds(10));
        }
    }
}
