package dev.backbone.server.topic;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.util.Map;

/** A topic was to be created under a name already taken. */
public final class TopicExistsException extends BackboneException {

    public TopicExistsException(String topic) {
        super(ProblemType.TOPIC_EXISTS, "topic '" + topic + "' already exists", Map.of("topic", topic));
    }
}
