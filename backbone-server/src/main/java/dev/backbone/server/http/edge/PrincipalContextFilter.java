package dev.backbone.server.http.edge;

import dev.backbone.server.http.RequestPrincipal;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Puts the name of the request's principal into the Reactor context of the request's handling, where the waiter
 * limit reads it (see {@link RequestPrincipal}). Runs after authentication (Spring Security's filter chain has order
 * -100), so the principal is the authenticated one.
 *
 * <p>Thread safety: stateless.
 */
public final class PrincipalContextFilter implements WebFilter, Ordered {

    /** After Spring Security's {@code WebFilterChainProxy} (-100), before the quota filter. */
    public static final int ORDER = 0;

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return RequestPrincipal.of(exchange).flatMap(principal -> chain.filter(exchange)
                .contextWrite(context -> context.put(RequestPrincipal.CONTEXT_KEY, principal)));
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
