package dev.backbone.client.http;

/**
 * {@code generation-fenced} (409): a commit named a generation the group has left behind (it rebalanced). Nothing
 * was stored; heartbeat or fetch to learn the new assignment.
 */
public class GenerationFencedException extends BackboneProblemException {

    public GenerationFencedException(Problem problem) {
        super(problem);
    }

    /** The generation the request sent. */
    public int generation() {
        return (int) problem().longMember("generation", -1L);
    }

    /** The group's generation now. */
    public int currentGeneration() {
        return (int) problem().longMember("currentGeneration", -1L);
    }
}
