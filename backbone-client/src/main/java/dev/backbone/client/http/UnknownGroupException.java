package dev.backbone.client.http;

/** {@code unknown-group} (404): no member and no committed offset since the broker started. */
public class UnknownGroupException extends BackboneProblemException {

    public UnknownGroupException(Problem problem) {
        super(problem);
    }

    public String group() {
        return problem().stringMember("group");
    }
}
