package dev.backbone.client.http;

import java.net.URI;
import java.util.Map;

/**
 * The broker refused a request with a problem+json answer. Subclasses exist for the problems a client acts on;
 * every other problem arrives as this class, with its facts in {@link #extensions()}.
 */
public class BackboneProblemException extends BackboneClientException {

    private final Problem problem;

    public BackboneProblemException(Problem problem) {
        super(problem.status() + " " + problem.slug() + ": " + problem.detail());
        this.problem = problem;
    }

    /** The whole problem. */
    public Problem problem() {
        return problem;
    }

    /** The problem type URI. */
    public URI type() {
        return problem.type();
    }

    /** The type's last segment, e.g. {@code offset-out-of-range}. */
    public String slug() {
        return problem.slug();
    }

    public String title() {
        return problem.title();
    }

    /** The HTTP status. */
    public int status() {
        return problem.status();
    }

    public String detail() {
        return problem.detail();
    }

    /** The request path, or null. */
    public String instance() {
        return problem.instance();
    }

    /** The problem's other members. */
    public Map<String, Object> extensions() {
        return problem.extensions();
    }
}
