package dev.backbone.server.group;

import dev.backbone.server.error.ProblemType;

import java.util.Map;

/** A request named a generation that is no longer the group's: the group rebalanced since the member learned it. */
public final class GenerationFencedException extends GroupException {

    private final String memberId;
    private final int requestedGeneration;
    private final int currentGeneration;

    public GenerationFencedException(String group, String memberId, int requestedGeneration, int currentGeneration) {
        super(ProblemType.GENERATION_FENCED, group, "member " + memberId + " of group " + group + " sent generation "
                + requestedGeneration + " but the group is at generation " + currentGeneration
                + "; heartbeat to learn the new assignment", Map.of("group", group, "memberId", memberId,
                "generation", requestedGeneration, "currentGeneration", currentGeneration));
        this.memberId = memberId;
        this.requestedGeneration = requestedGeneration;
        this.currentGeneration = currentGeneration;
    }

    public String memberId() {
        return memberId;
    }

    public int requestedGeneration() {
        return requestedGeneration;
    }

    public int currentGeneration() {
        return currentGeneration;
    }
}
