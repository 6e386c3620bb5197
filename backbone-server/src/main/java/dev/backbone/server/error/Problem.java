package dev.backbone.server.error;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One RFC 9457 problem, ready to be written: the type with its title and status, the detail, the request path
 * as {@code instance}, and extension members.
 *
 * @param type       what kind of failure
 * @param detail     what went wrong in this request, for a human
 * @param instance   the request path, or null
 * @param properties extension members (for example {@code startOffset}, {@code limitBytes})
 * @param headers    response headers that go with the problem (for example {@code Retry-After})
 */
public record Problem(ProblemType type, String detail, String instance, Map<String, Object> properties,
                      Map<String, String> headers) {

    public Problem {
        // Insertion order is kept: the facts read best in the order the exception gave them.
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        headers = Map.copyOf(headers);
    }

    /** A problem without headers of its own. */
    public Problem(ProblemType type, String detail, String instance, Map<String, Object> properties) {
        this(type, detail, instance, properties, Map.of());
    }

    public int status() {
        return type.status();
    }
}
