package dev.backbone.server.security;

import java.util.List;
import java.util.function.Predicate;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Which resources a request may see in a listing: those its principal may {@code describe}, as Kafka's topic and
 * group listings do. Without enforcement every resource is visible.
 *
 * <p>Thread safety: thread-safe.
 */
public final class Visibility {

    /** Everything is visible: the {@code none} mode. */
    public static final Visibility ALL = new Visibility(null);

    private final Authorizer authorizer;

    private Visibility(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    /** Visibility by {@code describe} permission. */
    public static Visibility enforced(Authorizer authorizer) {
        return new Visibility(authorizer);
    }

    /** The resources the request's principal may see; none when enforced and nobody is authenticated. */
    public Mono<Predicate<Resource>> describable(ServerWebExchange exchange) {
        if (authorizer == null) {
            return Mono.just(resource -> true);
        }
        return exchange.getPrincipal()
                .filter(Authentication.class::isInstance)
                .cast(Authentication.class)
                .<Predicate<Resource>>map(authentication -> {
                    String name = authentication.getName();
                    List<String> authorities = authentication.getAuthorities().stream()
                            .map(GrantedAuthority::getAuthority).toList();
                    return resource -> authorizer.allowed(name, authorities, new Action(Operation.DESCRIBE, resource));
                })
                .defaultIfEmpty(resource -> false);
    }
}
