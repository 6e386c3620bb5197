package dev.backbone.server.security;

import java.util.List;
import java.util.Objects;
import org.springframework.http.HttpMethod;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * One row of the authorization table: a route (method and path pattern, as the controllers declare it) and what a
 * request to it needs.
 *
 * @param method       the HTTP method
 * @param pattern      the path pattern, with the controllers' variable names ({@code /v1/topics/{topic}})
 * @param requirements what the request needs; may read the path, the query or the JSON body
 * @param auditEvent   the security audit event recorded when the request succeeds, or null for none
 */
public record RouteRule(HttpMethod method, String pattern, Requirements requirements, String auditEvent) {

    /** Derives a request's requirements; an empty list means "any authenticated principal". */
    @FunctionalInterface
    public interface Requirements {
        Mono<List<Requirement>> of(RouteRequest request);
    }

    private static final PathPatternParser PARSER = PathPatternParser.defaultInstance;

    public RouteRule {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(requirements, "requirements");
    }

    /** The parsed pattern. */
    public PathPattern pathPattern() {
        return PARSER.parse(pattern);
    }
}
