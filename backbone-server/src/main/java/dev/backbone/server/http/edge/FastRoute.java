package dev.backbone.server.http.edge;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;

/**
 * One kind of request the fast path serves below WebFlux. A route takes only requests it answers exactly as the
 * annotated controller would; {@link FastPathHandler} does what every request gets besides: the quotas, the request
 * observation and problem+json for every failure.
 *
 * <p>Thread safety: implementations are stateless apart from thread-safe collaborators.
 */
public interface FastRoute {

    /** The controller's path pattern, for the request observation's {@code uri} tag. */
    String pattern();

    /** The method the route serves; a {@code GET} route is offered requests only while no fetch quota applies. */
    HttpMethod method();

    /** A call of this route for {@code request}, or null when WebFlux should serve it. */
    Call match(ServerHttpRequest request);

    /** A request the route matched; {@code request} may be a decorated form of the matched one (quota charging). */
    interface Call {
        Mono<Void> serve(ServerHttpRequest request, ServerHttpResponse response);
    }
}
