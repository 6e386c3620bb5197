package dev.backbone.server.security;

import dev.backbone.server.error.ProblemMapper;
import dev.backbone.server.error.ProblemWebExceptionHandler;
import java.util.Objects;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Answers a request without valid credentials: 401 {@code unauthenticated} problem+json with the RFC 6750
 * challenge ({@code WWW-Authenticate: Bearer realm="backbone"}, plus {@code error="invalid_token"} and a
 * description when a token was presented and refused), and records the refusal in the security audit.
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborators.
 */
public final class ProblemAuthenticationEntryPoint implements ServerAuthenticationEntryPoint {

    /** The challenge of a request without credentials. */
    public static final String CHALLENGE = "Bearer realm=\"backbone\"";

    private final ProblemMapper mapper;
    private final ProblemWebExceptionHandler writer;
    private final SecurityAuditLog audit;

    public ProblemAuthenticationEntryPoint(ProblemMapper mapper, ProblemWebExceptionHandler writer,
                                           SecurityAuditLog audit) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    @Override
    public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException failure) {
        ServerHttpRequest request = exchange.getRequest();
        String description = description(failure);
        String challenge = CHALLENGE;
        if (description != null) {
            challenge += ", error=\"invalid_token\", error_description=\"" + description.replace("\"", "'") + "\"";
        }
        audit.refused(null, description == null ? "unauthenticated" : "invalid-credentials",
                request.getMethod().name(), request.getPath().value(), null);
        UnauthenticatedException problem = new UnauthenticatedException(description == null
                ? "this endpoint needs credentials: Authorization: Bearer <API key or JWT>"
                : "the credentials were refused: " + description, challenge);
        return writer.write(exchange, mapper.map(problem, request.getPath().value()));
    }

    /** What was wrong with a presented token, or null when none was presented. */
    private static String description(AuthenticationException failure) {
        if (failure instanceof OAuth2AuthenticationException oauth) {
            String text = oauth.getError().getDescription();
            return text != null ? text : oauth.getError().getErrorCode();
        }
        return null;
    }
}
