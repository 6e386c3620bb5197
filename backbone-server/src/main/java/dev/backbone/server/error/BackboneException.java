package dev.backbone.server.error;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A failure the client is told about: a {@link ProblemType}, a human-readable detail and the facts behind it
 * (limit and actual size, valid offset range, ...), which become extension members of the problem+json body.
 *
 * <p>Thread safety: immutable once constructed.
 */
public class BackboneException extends RuntimeException {

    private final ProblemType type;
    private final Map<String, Object> properties;

    public BackboneException(ProblemType type, String detail) {
        this(type, detail, Map.of(), null);
    }

    public BackboneException(ProblemType type, String detail, Map<String, ?> properties) {
        this(type, detail, properties, null);
    }

    public BackboneException(ProblemType type, String detail, Map<String, ?> properties, Throwable cause) {
        super(detail, cause);
        this.type = Objects.requireNonNull(type, "type");
        this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    public ProblemType type() {
        return type;
    }

    /** Facts of this failure, in insertion order; each becomes a member of the problem body. */
    public Map<String, Object> properties() {
        return properties;
    }

    /** Response headers that go with the problem ({@code Retry-After}, ...); none by default. */
    public Map<String, String> headers() {
        return Map.of();
    }

    /** The human-readable explanation, the problem's {@code detail}. */
    public String detail() {
        return getMessage();
    }
}
