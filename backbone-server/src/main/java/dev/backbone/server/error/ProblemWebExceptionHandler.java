package dev.backbone.server.error;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes every failure of every request as {@code application/problem+json} (RFC 9457), using
 * {@link ProblemMapper}. It runs before Spring Boot's own error handler, so no client ever sees a Whitelabel page
 * or a stack trace.
 *
 * <p>A failure after the response is committed (a zero-copy transfer cut short, a stream already flowing) cannot
 * be turned into a problem any more; it is passed on so that the connection is closed.
 *
 * <p>Thread safety: stateless apart from the immutable mapper and JSON mapper.
 */
public final class ProblemWebExceptionHandler implements WebExceptionHandler, Ordered {

    /** The media type of every error body. */
    public static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;

    private final ProblemMapper mapper;
    private final JsonMapper json;

    public ProblemWebExceptionHandler(ProblemMapper mapper, JsonMapper json) {
        this.mapper = mapper;
        this.json = json;
    }

    /** Ahead of Spring Boot's own error handler (order -1), so every failure becomes problem+json. */
    @Override
    public int getOrder() {
        return -2;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        return handle(exchange.getRequest(), exchange.getResponse(), failure);
    }

    /** As {@link #handle(ServerWebExchange, Throwable)}, for a request served without an exchange. */
    public Mono<Void> handle(ServerHttpRequest request, ServerHttpResponse response, Throwable failure) {
        if (response.isCommitted()) {
            return Mono.error(failure);
        }
        return write(response, mapper.map(failure, request.getPath().value()));
    }

    /**
     * Writes {@code problem} as the response, replacing any headers set so far by the problem's own; for failures
     * answered outside a handler (Spring Security's entry point and firewall).
     */
    public Mono<Void> write(ServerWebExchange exchange, Problem problem) {
        return write(exchange.getResponse(), problem);
    }

    private Mono<Void> write(ServerHttpResponse response, Problem problem) {
        byte[] body = json.writeValueAsBytes(toBody(problem));
        response.setStatusCode(HttpStatusCode.valueOf(problem.status()));
        response.getHeaders().clear();
        response.getHeaders().setContentType(PROBLEM_JSON);
        response.getHeaders().setContentLength(body.length);
        problem.headers().forEach(response.getHeaders()::set);
        DataBuffer buffer = response.bufferFactory().wrap(body);
        return response.writeWith(Mono.just(buffer));
    }

    /** The problem as the JSON object members, in the order RFC 9457 lists them, then the extensions. */
    public static Map<String, Object> toBody(Problem problem) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.type().type().toString());
        body.put("title", problem.type().title());
        body.put("status", problem.status());
        if (problem.detail() != null) {
            body.put("detail", problem.detail());
        }
        if (problem.instance() != null) {
            body.put("instance", problem.instance());
        }
        problem.properties().forEach(body::putIfAbsent);
        return body;
    }
}
