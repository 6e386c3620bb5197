package dev.backbone.server.topic;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.util.Map;

/** A topic config key is unknown, or its value cannot be parsed or is out of range. */
public final class InvalidConfigException extends BackboneException {

    public InvalidConfigException(String key, String value, String reason) {
        super(ProblemType.INVALID_CONFIG, "config '" + key + "' = '" + value + "': " + reason,
                value == null ? Map.of("key", key) : Map.of("key", key, "value", value));
    }
}
