package dev.backbone.server.http;

import dev.backbone.server.quota.Quotas;
import java.security.Principal;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * Who is asking: the name of the request's authenticated principal ({@link ServerWebExchange#getPrincipal()}, as
 * Spring Security sets it), or {@value Quotas#ANONYMOUS} when there is none (security mode {@code none}). Quotas and
 * the waiter limit are kept per this name; the edge filter puts it in the Reactor context of the request, so that
 * code far from the exchange (a long-poll waiter) can read it.
 *
 * <p>Thread safety: stateless.
 */
public final class RequestPrincipal {

    /** The Reactor context key holding the principal's name. */
    public static final String CONTEXT_KEY = RequestPrincipal.class.getName();

    private RequestPrincipal() {
    }

    /** The principal's name, or {@value Quotas#ANONYMOUS}. */
    public static Mono<String> of(ServerWebExchange exchange) {
        return exchange.getPrincipal().map(Principal::getName).filter(name -> !name.isEmpty())
                .defaultIfEmpty(Quotas.ANONYMOUS);
    }

    /** The name put in {@code context} by the edge filter, or {@value Quotas#ANONYMOUS}. */
    public static String of(ContextView context) {
        return context.getOrDefault(CONTEXT_KEY, Quotas.ANONYMOUS);
    }
}
