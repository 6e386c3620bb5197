package dev.backbone.client.http;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * An RFC 9457 problem as the broker sent it.
 *
 * @param type       the problem type, {@code https://backbone.dev/problems/<slug>} for the broker's own; clients
 *                   switch on it
 * @param title      the type's short human title
 * @param status     the HTTP status
 * @param detail     what went wrong this time, for humans
 * @param instance   the request path, or null
 * @param extensions every other member (the failure's facts: offsets, versions, names), numbers as {@code Long}
 *                   or {@code Double}
 */
public record Problem(URI type, String title, int status, String detail, String instance,
                      Map<String, Object> extensions) {

    /** The prefix of the broker's problem type URIs. */
    public static final String TYPE_PREFIX = "https://backbone.dev/problems/";

    public Problem {
        Objects.requireNonNull(type, "type");
        extensions = extensions == null ? Map.of() : Map.copyOf(extensions);
    }

    /** The last path segment of {@link #type}, e.g. {@code version-conflict}; {@code about:blank} for none. */
    public String slug() {
        String t = type.toString();
        return t.startsWith(TYPE_PREFIX) ? t.substring(TYPE_PREFIX.length()) : t;
    }

    /** An extension member as a long, or {@code otherwise} when it is absent or not a whole number. */
    public long longMember(String name, long otherwise) {
        return extensions.get(name) instanceof Number n ? n.longValue() : otherwise;
    }

    /** An extension member as text, or null when absent. */
    public String stringMember(String name) {
        Object v = extensions.get(name);
        return v == null ? null : v.toString();
    }
}
