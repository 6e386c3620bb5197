package dev.backbone.client.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One request as the transport sends it, possibly several times.
 *
 * @param method      the HTTP method
 * @param path        the path and query below the base URI, already encoded
 * @param contentType the body's media type, or null without a body
 * @param body        a fresh copy of the body per attempt (the transport hands each to Netty, which releases it),
 *                    or null without a body
 * @param accept      the {@code Accept} header, or null for JSON
 * @param extraWait   time the broker may legitimately take on top of the response timeout (a long poll)
 * @param retry       whether repeating the request after a failure is safe
 * @param idempotencyKey sent as {@code Idempotency-Key}, or null
 */
record RequestSpec(HttpMethod method, String path, String contentType, Supplier<ByteBuf> body,
                   String accept, Duration extraWait, Retry retry, String idempotencyKey) {

    /** When a failed request is sent again. */
    enum Retry {
        /** Repeating cannot change the outcome: reads, and writes the broker recognises as repeats. */
        SAFE,
        /** Only when the request surely never left (the connection could not be made). */
        IF_NOT_SENT,
        /** Never: the caller wants the first answer, whatever it is (a health check). */
        NEVER
    }

    RequestSpec {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(extraWait, "extraWait");
        Objects.requireNonNull(retry, "retry");
    }

    static RequestSpec get(String path) {
        return new RequestSpec(HttpMethod.GET, path, null, null, null, Duration.ZERO, Retry.SAFE, null);
    }

    RequestSpec withRetry(Retry newRetry) {
        return new RequestSpec(method, path, contentType, body, accept, extraWait, newRetry, idempotencyKey);
    }

    RequestSpec withAccept(String newAccept) {
        return new RequestSpec(method, path, contentType, body, newAccept, extraWait, retry, idempotencyKey);
    }

    RequestSpec withExtraWait(Duration wait) {
        return new RequestSpec(method, path, contentType, body, accept, wait, retry, idempotencyKey);
    }

    RequestSpec withIdempotencyKey(String key) {
        return new RequestSpec(method, path, contentType, body, accept, extraWait, retry, key);
    }

    /** For messages: {@code POST /v1/topics}. */
    String describe() {
        int query = path.indexOf('?');
        return method.name() + " " + (query < 0 ? path : path.substring(0, query));
    }
}
