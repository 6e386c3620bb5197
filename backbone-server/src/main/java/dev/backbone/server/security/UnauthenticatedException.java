package dev.backbone.server.security;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.util.Map;

/**
 * A request without valid credentials: none, malformed, unknown, expired or revoked. The detail says which, so that
 * an operator reading a client's log knows what to fix; it never echoes the credential.
 */
public final class UnauthenticatedException extends BackboneException {

    public UnauthenticatedException(String detail) {
        super(ProblemType.UNAUTHENTICATED, detail, Map.of());
    }
}
