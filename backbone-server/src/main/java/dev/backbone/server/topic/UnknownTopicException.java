package dev.backbone.server.topic;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.util.Map;

/** A request names a topic that does not exist (and auto-creation is off or not allowed for that name). */
public final class UnknownTopicException extends BackboneException {

    public UnknownTopicException(String topic) {
        super(ProblemType.UNKNOWN_TOPIC, "topic '" + topic + "' does not exist", Map.of("topic", topic));
    }
}
