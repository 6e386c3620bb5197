package dev.backbone.server.http.edge;

import dev.backbone.server.http.keys.KeyStreamController;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * A read of one key's stream, {@code GET /v1/topics/{topic}/keys/{key}/records}, answered by
 * {@link KeyStreamController#read} itself, with the arguments WebFlux would resolve for it.
 *
 * <p>It takes only requests whose every part it understands the way Spring would: topic and key as plain path
 * segments (see {@link RequestShape#isPlainSegment}), a query of at most one each of {@code fromVersion},
 * {@code limit} and {@code keyEncoding} with plain values, and an {@code Accept} that is absent,
 * {@code application/json} or the wildcard. Any other request goes to WebFlux.
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborator.
 */
public final class KeyReadRoute implements FastRoute {

    private static final String PREFIX = "/v1/topics/";
    private static final String KEYS = "/keys/";
    private static final String SUFFIX = "/records";
    private static final Set<String> PARAMETERS = Set.of("fromVersion", "limit", "keyEncoding");

    private final KeyStreamController controller;

    public KeyReadRoute(KeyStreamController controller) {
        this.controller = controller;
    }

    @Override
    public String pattern() {
        return "/v1/topics/{topic}/keys/{key}/records";
    }

    @Override
    public HttpMethod method() {
        return HttpMethod.GET;
    }

    @Override
    public Call match(ServerHttpRequest request) {
        if (request.getMethod() != HttpMethod.GET || !RequestShape.atRoot(request)
                || !RequestShape.acceptsJson(request)) {
            return null;
        }
        String path = request.getPath().value();
        int end = path.length() - SUFFIX.length();
        int keys = path.indexOf(KEYS, PREFIX.length());
        if (!path.startsWith(PREFIX) || !path.endsWith(SUFFIX) || keys < 0
                || !RequestShape.isPlainSegment(path, PREFIX.length(), keys)
                || !RequestShape.isPlainSegment(path, keys + KEYS.length(), end)) {
            return null;
        }
        Map<String, String> query = query(request.getURI().getRawQuery());
        if (query == null) {
            return null;
        }
        String topic = path.substring(PREFIX.length(), keys);
        String key = path.substring(keys + KEYS.length(), end);
        return (admitted, response) -> controller.read(topic, key, query.get("fromVersion"), query.get("limit"),
                query.get("keyEncoding"), admitted, response);
    }

    /** The query's parameters, or null when it holds anything but the known ones, once each, with plain values. */
    private static Map<String, String> query(String raw) {
        Map<String, String> parameters = new HashMap<>(4);
        if (raw == null || raw.isEmpty()) {
            return parameters;
        }
        for (String pair : raw.split("&", -1)) {
            int equals = pair.indexOf('=');
            if (equals < 0) {
                return null;
            }
            String name = pair.substring(0, equals);
            String value = pair.substring(equals + 1);
            if (!PARAMETERS.contains(name) || parameters.containsKey(name)
                    || !(value.isEmpty() || RequestShape.isPlainSegment(value, 0, value.length()))) {
                return null;
            }
            parameters.put(name, value);
        }
        return parameters;
    }
}
