package dev.backbone.client.http;

/**
 * 403: the credentials are valid but not allowed this request; also {@code internal-topic}, a write to one of the
 * broker's own {@code __} topics.
 */
public class AccessDeniedException extends BackboneProblemException {

    public AccessDeniedException(Problem problem) {
        super(problem);
    }
}
