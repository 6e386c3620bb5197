package dev.backbone.server.security;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * A request as a {@link RouteRule} sees it: the path variables, and the JSON body for the few rules whose resources
 * are named in it (a topic create, a group join, an offset commit). Reading the body keeps its bytes, and
 * {@link #exchange()} then hands the handler a request that replays them.
 *
 * <p>Thread safety: confined to one request.
 */
public final class RouteRequest {

    /** The largest body a rule reads; the JSON bodies rules look into are a few KiB. */
    static final int MAX_BODY_BYTES = 1 << 20;

    private final ServerWebExchange original;
    private final Map<String, String> variables;
    private final JsonMapper json;
    private ServerWebExchange exchange;

    RouteRequest(ServerWebExchange exchange, Map<String, String> variables, JsonMapper json) {
        this.original = exchange;
        this.exchange = exchange;
        this.variables = Map.copyOf(variables);
        this.json = json;
    }

    /** A path variable of the matched pattern. */
    public String variable(String name) {
        String value = variables.get(name);
        if (value == null) {
            throw new IllegalStateException("the route has no variable {" + name + "}");
        }
        return value;
    }

    /**
     * The body as JSON; a missing node when it is not JSON (the handler will reject it, and a rule must not allow
     * more on that account).
     */
    public Mono<JsonNode> jsonBody() {
        return DataBufferUtils.join(original.getRequest().getBody(), MAX_BODY_BYTES)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .onErrorMap(DataBufferLimitException.class, e -> new BackboneException(ProblemType.REQUEST_TOO_LARGE,
                        "a request to this endpoint carries at most " + MAX_BODY_BYTES + " bytes",
                        Map.of("limitBytes", MAX_BODY_BYTES)))
                .map(bytes -> {
                    replay(bytes);
                    return parse(bytes);
                });
    }

    private JsonNode parse(byte[] bytes) {
        try {
            return bytes.length == 0 ? MissingNode.getInstance() : json.readTree(bytes);
        } catch (JacksonException e) {
            return MissingNode.getInstance();
        }
    }

    private void replay(byte[] bytes) {
        ServerHttpRequest request = original.getRequest();
        ServerHttpRequest replaying = new ServerHttpRequestDecorator(request) {
            @Override
            public Flux<DataBuffer> getBody() {
                return Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(bytes)));
            }
        };
        exchange = original.mutate().request(replaying).build();
    }

    /** The exchange to hand on: the original, or one that replays the body read here. */
    ServerWebExchange exchange() {
        return exchange;
    }
}
