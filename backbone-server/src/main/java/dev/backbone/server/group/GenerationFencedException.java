package dev.backbone.server.group;

/** A request named a generation that is no longer the group's: the group rebalanced since the member learned it. */
public final class GenerationFencedException extends GroupException {

    private final String memberId;
    private final int requestedGeneration;
    private final int currentGeneration;

    public GenerationFencedException(String group, String memberId, int requestedGeneration, int currentGeneration) {
        super(group, "member " + memberId + " of group " + group + " sent generation " + requestedGeneration
                + " but the group is at generation " + currentGeneration + "; heartbeat to learn the new assignment");
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
