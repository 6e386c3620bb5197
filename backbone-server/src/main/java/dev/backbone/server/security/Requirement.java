package dev.backbone.server.security;

import java.util.List;

/**
 * One permission a request needs, or a choice of them: the request passes the requirement when the principal holds
 * any one of {@link #anyOf()} (for example {@code create} on the cluster, or {@code create} on the topic's name).
 *
 * @param anyOf the alternatives, at least one
 */
public record Requirement(List<Action> anyOf) {

    public Requirement {
        anyOf = List.copyOf(anyOf);
        if (anyOf.isEmpty()) {
            throw new IllegalArgumentException("a requirement needs at least one action");
        }
    }

    public static Requirement of(Operation operation, Resource resource) {
        return new Requirement(List.of(new Action(operation, resource)));
    }
}
