package dev.backbone.server.http.edge;

import dev.backbone.server.quota.Quotas;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import reactor.core.publisher.Flux;

/**
 * A request whose body bytes are charged against the principal's produce quota as they arrive: for bodies of
 * unknown length, which cannot be checked up front.
 *
 * <p>Thread safety: as the request it wraps (one subscriber, signals in order).
 */
final class ChargedRequest extends ServerHttpRequestDecorator {

    private final Quotas quotas;
    private final String principal;

    ChargedRequest(ServerHttpRequest delegate, Quotas quotas, String principal) {
        super(delegate);
        this.quotas = quotas;
        this.principal = principal;
    }

    @Override
    public Flux<DataBuffer> getBody() {
        return super.getBody().doOnNext(buffer -> quotas.chargeProduce(principal, buffer.readableByteCount()));
    }
}
