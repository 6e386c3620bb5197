package dev.backbone.server.group;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;

import java.util.Map;

/**
 * A group request the coordinator refuses; each subclass names one reason, its problem type, and carries its
 * facts, which become members of the problem+json answer.
 */
public abstract class GroupException extends BackboneException {

    private final String group;

    protected GroupException(ProblemType type, String group, String message, Map<String, ?> facts) {
        super(type, message, facts);
        this.group = group;
    }

    public String group() {
        return group;
    }
}
