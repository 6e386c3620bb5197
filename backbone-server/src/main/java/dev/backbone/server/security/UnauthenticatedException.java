package dev.backbone.server.security;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.util.Map;

/**
 * A request without valid credentials: none, malformed, unknown, expired or revoked. The detail says which, so that
 * an operator reading a client's log knows what to fix; it never echoes the credential.
 */
public final class UnauthenticatedException extends BackboneException {

    private final String challenge;

    /** @param challenge the {@code WWW-Authenticate} value sent with the 401 */
    public UnauthenticatedException(String detail, String challenge) {
        super(ProblemType.UNAUTHENTICATED, detail, Map.of());
        this.challenge = challenge;
    }

    @Override
    public Map<String, String> headers() {
        return Map.of("WWW-Authenticate", challenge);
    }
}
