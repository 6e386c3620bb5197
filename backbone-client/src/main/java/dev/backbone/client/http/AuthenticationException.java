package dev.backbone.client.http;

/** 401: the broker did not accept the credentials (none, expired or wrong). */
public class AuthenticationException extends BackboneProblemException {

    public AuthenticationException(Problem problem) {
        super(problem);
    }
}
