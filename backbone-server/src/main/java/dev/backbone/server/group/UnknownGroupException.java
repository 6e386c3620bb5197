package dev.backbone.server.group;

import dev.backbone.server.error.ProblemType;

import java.util.Map;

/** No member ever joined the group since the broker started and it has no committed offsets. */
public final class UnknownGroupException extends GroupException {

    public UnknownGroupException(String group) {
        super(ProblemType.UNKNOWN_GROUP, group, "group " + group + " does not exist", Map.of("group", group));
    }
}
