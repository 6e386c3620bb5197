package dev.backbone.server.http.edge;

import dev.backbone.server.http.RequestPrincipal;
import dev.backbone.server.quota.Quotas;
import java.time.Duration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Applies the principal's quotas to every request under {@code /v1/}, before any handler runs:
 *
 * <ul>
 *   <li>one request is charged against the request rate; over it, 429 {@code quota-exceeded};</li>
 *   <li>a body with a {@code Content-Length} is charged against the produce rate before a byte of it is read, so
 *       a produce over the quota is refused with nothing written; a body without one (chunked, an NDJSON stream)
 *       is charged as it arrives, and its debt refuses the principal's next produce;</li>
 *   <li>a read ({@code GET}) is held back while the principal owes fetch bytes beyond its burst (refused when the
 *       wait would exceed the configured maximum), and the bytes of its answer are charged as they are sent.</li>
 * </ul>
 *
 * With no quota configured the filter passes every request straight on.
 *
 * <p>Thread safety: stateless apart from the thread-safe {@link Quotas}.
 */
public final class QuotaFilter implements WebFilter, Ordered {

    /** After the principal is known. */
    public static final int ORDER = PrincipalContextFilter.ORDER + 10;

    private static final String API_PREFIX = "/v1/";

    private final Quotas quotas;

    public QuotaFilter(Quotas quotas) {
        this.quotas = quotas;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!quotas.enabled() || !exchange.getRequest().getPath().value().startsWith(API_PREFIX)) {
            return chain.filter(exchange);
        }
        return RequestPrincipal.of(exchange).flatMap(principal -> admit(exchange, chain, principal));
    }

    private Mono<Void> admit(ServerWebExchange exchange, WebFilterChain chain, String principal) {
        ServerHttpRequest request = exchange.getRequest();
        ServerHttpRequest body = admitRequestAndBody(request, principal);
        ServerWebExchange admitted = body == request ? exchange : exchange.mutate().request(body).build();
        if (request.getMethod() != HttpMethod.GET || !quotas.limitsFetch(principal)) {
            return chain.filter(admitted);
        }
        long delayNanos = quotas.fetchDelayNanos(principal);
        ServerWebExchange charged = admitted.mutate()
                .response(new ChargedResponse(admitted.getResponse(), quotas, principal)).build();
        return delayNanos == 0 ? chain.filter(charged)
                : Mono.delay(Duration.ofNanos(delayNanos)).then(chain.filter(charged));
    }

    /**
     * Charges one request of {@code principal} and its body, as the class comment says, or throws
     * {@link dev.backbone.server.quota.QuotaExceededException}; returns the request to read the body from, which
     * charges the body as it arrives when its length is unknown. For requests served without an exchange, when
     * quotas are {@linkplain #enabled() on}; the fetch quota of a read is not applied here.
     */
    public ServerHttpRequest admitRequestAndBody(ServerHttpRequest request, String principal) {
        quotas.admitRequest(principal);
        long length = request.getHeaders().getContentLength();
        if (length > 0) {
            quotas.admitProduce(principal, length);
        } else if (length < 0) {
            return new ChargedRequest(request, quotas, principal);
        }
        return request;
    }

    /** Whether {@code principal}'s reads are held back and charged by a fetch quota. */
    public boolean holdsReads(String principal) {
        return quotas.limitsFetch(principal);
    }

    /** Whether any quota is configured; without one, requests pass untouched. */
    public boolean enabled() {
        return quotas.enabled();
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
