package dev.backbone.server.topic;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.util.Map;

/**
 * A client asked to write to or delete one of the broker's own topics (a {@code __} name): it keeps group offsets
 * and the like, which a stray record could make unreadable at the next start, so over HTTP it is read-only.
 */
public final class InternalTopicException extends BackboneException {

    public InternalTopicException(String topic, String refused) {
        super(ProblemType.INTERNAL_TOPIC, "topic '" + topic + "' is internal to the broker: " + refused
                + " is refused; it can only be read", Map.of("topic", topic));
    }

    /** @throws InternalTopicException when {@code topic} is internal; {@code refused} says what, e.g. "producing" */
    public static Topic checkNotInternal(Topic topic, String refused) {
        checkNotInternal(topic.name(), refused);
        return topic;
    }

    /** @throws InternalTopicException when the topic named {@code topic} would be internal */
    public static void checkNotInternal(String topic, String refused) {
        if (TopicNames.isInternal(topic)) {
            throw new InternalTopicException(topic, refused);
        }
    }
}
