package dev.backbone.server.http.edge;

import dev.backbone.server.error.ProblemWebExceptionHandler;
import dev.backbone.server.http.JsonProduce;
import dev.backbone.server.http.ProduceController.ProduceResponse;
import dev.backbone.server.quota.Quotas;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.handler.ExceptionHandlingWebHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fast path's route: a JSON produce to a topic, {@code POST /v1/topics/{topic}/records}, served without a
 * {@code ServerWebExchange}, WebFlux's handler mapping, argument resolution and message writers, and answered exactly
 * as {@link dev.backbone.server.http.ProduceController} answers it: the same {@link JsonProduce}, the same quota
 * admission, the same JSON for the answer and the same problem+json for every failure.
 *
 * <p>It takes only requests whose every part it understands the way Spring would: a plain path segment as the topic
 * (letters, digits, {@code .}, {@code _}, {@code -}; nothing percent-encoded), no query or only {@code flush=<word>},
 * {@code Content-Type: application/json} exactly, and an {@code Accept} that is absent, {@code application/json} or
 * the wildcard. Any other request goes to WebFlux, which answers it as ever (a charset parameter, say,
 * or a 406 for an {@code Accept} it cannot meet).
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborators.
 */
public final class JsonProduceRoute {

    /** The controller's pattern, for the request observation's {@code uri} tag. */
    static final String PATTERN = "/v1/topics/{topic}/records";

    private static final String PREFIX = "/v1/topics/";
    private static final String SUFFIX = "/records";
    private static final String FLUSH = "flush=";

    /** A request this route serves: its topic and its {@code flush} parameter (null when absent). */
    record Match(String topic, String flush) {
    }

    private final JsonProduce produce;
    private final QuotaFilter quotas;
    private final ProblemWebExceptionHandler problems;
    private final JsonMapper json;

    public JsonProduceRoute(JsonProduce produce, QuotaFilter quotas, ProblemWebExceptionHandler problems,
                            JsonMapper json) {
        this.produce = produce;
        this.quotas = quotas;
        this.problems = problems;
        this.json = json;
    }

    /** What this route would serve of {@code request}, or null when WebFlux should have it. */
    Match match(ServerHttpRequest request) {
        if (request.getMethod() != HttpMethod.POST || !request.getPath().contextPath().value().isEmpty()) {
            return null;
        }
        String topic = topic(request.getPath().value());
        if (topic == null) {
            return null;
        }
        String query = request.getURI().getRawQuery();
        String flush = null;
        if (query != null && !query.isEmpty()) {
            if (!query.startsWith(FLUSH) || !isWord(query, FLUSH.length())) {
                return null;
            }
            flush = query.substring(FLUSH.length());
        }
        HttpHeaders headers = request.getHeaders();
        if (!isJson(headers.get(HttpHeaders.CONTENT_TYPE), false) || !isJson(headers.get(HttpHeaders.ACCEPT), true)) {
            return null;
        }
        return new Match(topic, flush);
    }

    /**
     * Serves a matched request. The observation context gets the route's pattern once the request is admitted (as
     * WebFlux's handler mapping sets it after the filters), and {@code attributes}, the context's attributes, the
     * failure a problem answered, as WebFlux's exception handling records it.
     */
    Mono<Void> serve(Match match, ServerHttpRequest request, ServerHttpResponse response,
                     ServerRequestObservationContext observation, Map<String, Object> attributes) {
        return Mono.defer(() -> {
            ServerHttpRequest admitted = quotas.enabled()
                    ? quotas.admitRequestAndBody(request, Quotas.ANONYMOUS) : request;
            observation.setPathPattern(PATTERN);
            return produce.produce(match.topic(), match.flush(), admitted, response, records -> records);
        }).flatMap(answer -> write(response, answer)).onErrorResume(failure -> {
            attributes.put(ExceptionHandlingWebHandler.HANDLED_WEB_EXCEPTION, failure);
            return problems.handle(request, response, failure);
        });
    }

    private Mono<Void> write(ServerHttpResponse response, ProduceResponse answer) {
        byte[] body = json.writeValueAsBytes(answer);
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.setContentLength(body.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    private static String topic(String path) {
        int end = path.length() - SUFFIX.length();
        if (end <= PREFIX.length() || !path.startsWith(PREFIX) || !path.endsWith(SUFFIX)) {
            return null;
        }
        for (int i = PREFIX.length(); i < end; i++) {
            char c = path.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!plain) {
                return null;
            }
        }
        String topic = path.substring(PREFIX.length(), end);
        return topic.equals(".") || topic.equals("..") ? null : topic;
    }

    private static boolean isWord(String text, int from) {
        if (from >= text.length()) {
            return false;
        }
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                return false;
            }
        }
        return true;
    }

    /** One header value of exactly {@code application/json}; for {@code Accept} also none, or the wildcard. */
    private static boolean isJson(List<String> values, boolean accept) {
        if (values == null || values.isEmpty()) {
            return accept;
        }
        if (values.size() != 1) {
            return false;
        }
        String value = values.get(0);
        return MediaType.APPLICATION_JSON_VALUE.equalsIgnoreCase(value) || (accept && "*/*".equals(value));
    }
}
