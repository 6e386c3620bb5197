package dev.backbone.server.http.edge;

import java.security.Principal;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Stands in for authentication in the edge tests: a request with {@code X-Test-Principal: alice} gets the
 * principal {@code alice}, exactly where Spring Security would set it (an exchange whose {@code getPrincipal()}
 * answers it), and at Spring Security's filter order.
 */
final class HeaderPrincipalFilter implements WebFilter, Ordered {

    static final String HEADER = "X-Test-Principal";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String name = exchange.getRequest().getHeaders().getFirst(HEADER);
        if (name == null) {
            return chain.filter(exchange);
        }
        Principal principal = () -> name;
        return chain.filter(exchange.mutate().principal(Mono.just(principal)).build());
    }

    @Override
    public int getOrder() {
        return -100;
    }
}
