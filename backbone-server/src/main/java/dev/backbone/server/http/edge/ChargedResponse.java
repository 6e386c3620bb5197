package dev.backbone.server.http.edge;

import dev.backbone.server.quota.Quotas;
import java.nio.file.Path;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.ZeroCopyHttpOutputMessage;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A response whose body bytes are charged against the principal's fetch quota as they are handed to the server.
 * It stays a {@link ZeroCopyHttpOutputMessage}, so a binary consume still goes out with sendfile: the region's
 * length is charged and the transfer passed on unchanged.
 *
 * <p>Thread safety: as the response it wraps.
 */
final class ChargedResponse extends ServerHttpResponseDecorator implements ZeroCopyHttpOutputMessage {

    private final Quotas quotas;
    private final String principal;

    ChargedResponse(ServerHttpResponse delegate, Quotas quotas, String principal) {
        super(delegate);
        this.quotas = quotas;
        this.principal = principal;
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        return super.writeWith(Flux.from(body).doOnNext(this::charge));
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
        return super.writeAndFlushWith(Flux.from(body).map(part -> Flux.from(part).doOnNext(this::charge)));
    }

    @Override
    public Mono<Void> writeWith(Path file, long position, long count) {
        if (!(getDelegate() instanceof ZeroCopyHttpOutputMessage zeroCopy)) {
            return Mono.error(new IllegalStateException("the server's response " + getDelegate().getClass()
                    + " cannot send a file region"));
        }
        quotas.chargeFetch(principal, count);
        return zeroCopy.writeWith(file, position, count);
    }

    private void charge(DataBuffer buffer) {
        quotas.chargeFetch(principal, buffer.readableByteCount());
    }
}
