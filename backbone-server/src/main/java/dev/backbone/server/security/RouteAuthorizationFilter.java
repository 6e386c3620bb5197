package dev.backbone.server.security;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.json.JsonMapper;

/**
 * Enforces the {@link RouteTable} on every {@code /v1/} request, after Spring Security authenticated it: finds the
 * route's rule, derives what the request needs, and either passes it on or answers 403 {@code access-denied}
 * naming the first missing permission. A path no rule knows is answered 404 without reaching a handler, so an
 * endpoint nobody wrote a rule for is closed, not open.
 *
 * <p>Authorization looks only at names, never at whether a topic or group exists: a principal that may not touch
 * a topic gets the same 403 whether it exists or not, and so learns nothing of it (Kafka answers
 * TOPIC_AUTHORIZATION_FAILED in both cases too).
 *
 * <p>Refusals go to the {@link SecurityAuditLog} without waiting; a successful admin change whose rule names an
 * audit event is recorded before the response is committed.
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborators.
 */
public final class RouteAuthorizationFilter implements WebFilter {

    private static final System.Logger LOG = System.getLogger(RouteAuthorizationFilter.class.getName());
    private static final String PREFIX = "/v1/";

    private final RouteTable table;
    private final Authorizer authorizer;
    private final SecurityAuditLog audit;
    private final JsonMapper json;
    private final Scheduler blocking;

    public RouteAuthorizationFilter(RouteTable table, Authorizer authorizer, SecurityAuditLog audit, JsonMapper json,
                                    Scheduler blocking) {
        this.table = Objects.requireNonNull(table, "table");
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.json = Objects.requireNonNull(json, "json");
        this.blocking = Objects.requireNonNull(blocking, "blocking");
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        PathContainer path = request.getPath().pathWithinApplication();
        if (!path.value().startsWith(PREFIX)) {
            return chain.filter(exchange);
        }
        RouteTable.Match match = table.match(request.getMethod(), path).orElse(null);
        if (match == null) {
            return Mono.error(new BackboneException(ProblemType.NOT_FOUND, "no endpoint answers "
                    + request.getMethod() + " " + path.value()));
        }
        return exchange.getPrincipal()
                .cast(Authentication.class)
                .switchIfEmpty(Mono.error(() -> new UnauthenticatedException("this endpoint needs credentials",
                        ProblemAuthenticationEntryPoint.CHALLENGE)))
                .flatMap(authentication -> authorize(exchange, match, authentication, chain));
    }

    private Mono<Void> authorize(ServerWebExchange exchange, RouteTable.Match match, Authentication authentication,
                                 WebFilterChain chain) {
        RouteRequest routeRequest = new RouteRequest(exchange, match.variables(), json);
        String principal = authentication.getName();
        List<String> authorities = authorities(authentication.getAuthorities());
        return match.rule().requirements().of(routeRequest).flatMap(requirements -> {
            for (Requirement requirement : requirements) {
                if (requirement.anyOf().stream().noneMatch(a -> authorizer.allowed(principal, authorities, a))) {
                    return refuse(exchange, principal, requirement);
                }
            }
            ServerWebExchange next = routeRequest.exchange();
            if (match.rule().auditEvent() != null) {
                recordOnSuccess(next, principal, match);
            }
            return chain.filter(next);
        });
    }

    private Mono<Void> refuse(ServerWebExchange exchange, String principal, Requirement requirement) {
        ServerHttpRequest request = exchange.getRequest();
        audit.refused(principal, "denied", request.getMethod().name(), request.getPath().value(),
                requirement.anyOf().get(0));
        return Mono.error(new NotAuthorizedException(principal, requirement.anyOf()));
    }

    private void recordOnSuccess(ServerWebExchange exchange, String principal, RouteTable.Match match) {
        exchange.getResponse().beforeCommit(() -> {
            var status = exchange.getResponse().getStatusCode();
            if (status == null || !status.is2xxSuccessful()) {
                return Mono.empty();
            }
            Map<String, String> details = new LinkedHashMap<>();
            details.put("method", exchange.getRequest().getMethod().name());
            details.put("path", exchange.getRequest().getPath().value());
            URI location = exchange.getResponse().getHeaders().getLocation();
            if (location != null) {
                details.put("location", location.toString());
            }
            return Mono.fromRunnable(() -> audit.changed(principal, match.rule().auditEvent(), details))
                    .subscribeOn(blocking)
                    .onErrorResume(e -> {
                        // The change is made; failing the answer would tell the client it was not.
                        LOG.log(Level.ERROR, "could not record " + match.rule().auditEvent() + " by " + principal
                                + " in " + SecurityAuditLog.TOPIC, e);
                        return Mono.empty();
                    })
                    .then();
        });
    }

    private static List<String> authorities(Collection<? extends GrantedAuthority> granted) {
        return granted.stream().map(GrantedAuthority::getAuthority).toList();
    }
}
