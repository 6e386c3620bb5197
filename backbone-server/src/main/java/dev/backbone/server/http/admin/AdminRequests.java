package dev.backbone.server.http.admin;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.security.Principal;
import java.util.Map;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** What the admin endpoints share: who is acting, and how a bad field is reported. */
final class AdminRequests {

    /** The actor recorded in the audit when the broker runs without authentication. */
    static final String ANONYMOUS = "anonymous";

    private AdminRequests() {
    }

    /** The authenticated principal's name, or {@value #ANONYMOUS} in {@code none} mode. */
    static Mono<String> actor(ServerWebExchange exchange) {
        return exchange.getPrincipal().map(Principal::getName).defaultIfEmpty(ANONYMOUS);
    }

    static BackboneException invalid(String field, String detail) {
        return new BackboneException(ProblemType.INVALID_PARAMETER, detail, Map.of("field", field));
    }
}
