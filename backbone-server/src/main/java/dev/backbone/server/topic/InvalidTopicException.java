package dev.backbone.server.topic;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.util.Map;

/** A topic name breaks the naming rules or is reserved, or a partition count is out of range. */
public final class InvalidTopicException extends BackboneException {

    public InvalidTopicException(String topic, String reason) {
        super(ProblemType.INVALID_TOPIC, "topic '" + topic + "': " + reason,
                topic == null ? Map.of() : Map.of("topic", topic));
    }
}
