package dev.backbone.server.security;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemMapper;
import dev.backbone.server.error.ProblemType;
import dev.backbone.server.error.ProblemWebExceptionHandler;
import java.util.Objects;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Answers a request that Spring Security's firewall refused (a path that is not normalized, a control character
 * in a header) as 400 {@code invalid-parameter} problem+json instead of an empty 400, naming what was refused.
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborators.
 */
public final class RejectedRequestHandler implements ServerExchangeRejectedHandler {

    private final ProblemMapper mapper;
    private final ProblemWebExceptionHandler writer;

    public RejectedRequestHandler(ProblemMapper mapper, ProblemWebExceptionHandler writer) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.writer = Objects.requireNonNull(writer, "writer");
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, ServerExchangeRejectedException rejected) {
        BackboneException problem = new BackboneException(ProblemType.INVALID_PARAMETER, rejected.getMessage());
        return writer.write(exchange, mapper.map(problem, exchange.getRequest().getPath().value()));
    }
}
