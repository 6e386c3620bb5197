package dev.backbone.server.http.idempotency;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;

import dev.backbone.server.log.AppendRequestId;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * Applies the {@code Idempotency-Key} header to a produce request whose body is at hand: without the header the
 * produce simply runs; with it, the produce runs once per key and topic within the window and retries get the
 * first answer, marked with the response header {@value #REPLAYED_HEADER}{@code : true}.
 *
 * <p>Two requests are the same when method, path, content type, CloudEvents {@code ce-*} headers (they carry a
 * binary-mode event's attributes) and body are; the query string (a flush override, say) is not part of it.
 *
 * <p>In a cluster this broker's cache does not see a retry sent to another broker, so the action runs with the
 * request's {@link AppendRequestId} in its Reactor context ({@link #requestId}): the appends it makes carry it, and
 * the replicated partitions apply them once per request.
 *
 * <p>Thread safety: thread-safe.
 */
public final class IdempotentRequests {

    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    private final IdempotencyCache cache;

    public IdempotentRequests(IdempotencyCache cache) {
        this.cache = cache;
    }

    /**
     * @param topic  the scope of the key
     * @param body   the request body (position to limit); not consumed
     * @param action performs the produce; runs at most once per key
     */
    public <T> Mono<T> apply(ServerHttpRequest request, ServerHttpResponse response, String topic, ByteBuffer body,
                             Supplier<Mono<T>> action) {
        String header = request.getHeaders().getFirst(IdempotencyKeys.HEADER);
        if (header == null) {
            return action.get();
        }
        String key = IdempotencyKeys.validate(header);
        byte[] digest = new RequestDigest(target(request)).update(body).digest();
        AppendRequestId requestId = new AppendRequestId(key, digest);
        return cache.execute(topic, key, digest, () -> action.get().contextWrite(context -> context.put(
                AppendRequestId.class, requestId))).map(outcome -> {
            if (outcome.replayed()) {
                response.getHeaders().set(REPLAYED_HEADER, "true");
            }
            return outcome.value();
        });
    }

    /** The id of the request an action runs for, from its Reactor context; null outside {@link #apply}. */
    public static AppendRequestId requestId(ContextView context) {
        return context.getOrDefault(AppendRequestId.class, null);
    }

    /** The parts of a request besides its body that make it what it is. */
    public static String target(ServerHttpRequest request) {
        StringBuilder target = new StringBuilder(128)
                .append(request.getMethod().name()).append(' ')
                .append(request.getPath().value()).append(' ')
                .append(String.valueOf(request.getHeaders().getFirst("Content-Type")));
        List<String> attributes = new ArrayList<>();
        for (Map.Entry<String, List<String>> header : request.getHeaders().headerSet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith("ce-")) {
                attributes.add(name + "=" + String.join(",", header.getValue()));
            }
        }
        attributes.sort(null);
        attributes.forEach(a -> target.append('\n').append(a));
        return target.toString();
    }
}
