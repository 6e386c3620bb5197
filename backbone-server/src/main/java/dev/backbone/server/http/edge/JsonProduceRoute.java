package dev.backbone.server.http.edge;

import dev.backbone.server.http.JsonProduce;
import dev.backbone.server.http.ProduceController.ProduceResponse;
import dev.backbone.server.http.cloudevents.CloudEventHttpBinary;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * A JSON produce to a topic, {@code POST /v1/topics/{topic}/records}, answered as
 * {@link dev.backbone.server.http.ProduceController} answers it: through the same {@link JsonProduce}, with the
 * answer written by the same JSON mapper WebFlux's encoder uses.
 *
 * <p>It takes only requests whose every part it understands the way Spring would: a plain path segment as the topic
 * (see {@link RequestShape#isPlainSegment}), no query or only {@code flush=<word>}, {@code Content-Type:
 * application/json} exactly, an {@code Accept} that is absent, {@code application/json} or the wildcard, and no
 * {@code ce-specversion} header (that makes it a CloudEvent in binary mode, which a functional route takes ahead of
 * the controllers). Any other request goes to WebFlux, which answers it as ever (a charset parameter, say, or a 406
 * for an {@code Accept} it cannot meet).
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborators.
 */
public final class JsonProduceRoute implements FastRoute {

    private static final String PREFIX = "/v1/topics/";
    private static final String SUFFIX = "/records";
    private static final String FLUSH = "flush=";

    private final JsonProduce produce;
    private final JsonMapper json;

    public JsonProduceRoute(JsonProduce produce, JsonMapper json) {
        this.produce = produce;
        this.json = json;
    }

    @Override
    public String pattern() {
        return "/v1/topics/{topic}/records";
    }

    @Override
    public HttpMethod method() {
        return HttpMethod.POST;
    }

    @Override
    public Call match(ServerHttpRequest request) {
        if (request.getMethod() != HttpMethod.POST || !RequestShape.atRoot(request)) {
            return null;
        }
        String path = request.getPath().value();
        int end = path.length() - SUFFIX.length();
        if (!path.startsWith(PREFIX) || !path.endsWith(SUFFIX) || !RequestShape.isPlainSegment(path, PREFIX.length(),
                end)) {
            return null;
        }
        String query = request.getURI().getRawQuery();
        String flush = null;
        if (query != null && !query.isEmpty()) {
            if (!query.startsWith(FLUSH) || !RequestShape.isWord(query, FLUSH.length())) {
                return null;
            }
            flush = query.substring(FLUSH.length());
        }
        if (!RequestShape.sendsJson(request) || !RequestShape.acceptsJson(request)
                || request.getHeaders().get(CloudEventHttpBinary.SPECVERSION_HEADER) != null) {
            return null;
        }
        String topic = path.substring(PREFIX.length(), end);
        String flushParameter = flush;
        return (admitted, response) -> produce.produce(topic, flushParameter, admitted, response, records -> records)
                .flatMap(answer -> write(response, answer));
    }

    private Mono<Void> write(ServerHttpResponse response, ProduceResponse answer) {
        byte[] body = json.writeValueAsBytes(answer);
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.setContentLength(body.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
