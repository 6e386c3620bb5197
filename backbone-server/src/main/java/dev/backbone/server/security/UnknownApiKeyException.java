package dev.backbone.server.security;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.util.Map;

/** A revoke names an API key id that no live key has. */
public final class UnknownApiKeyException extends BackboneException {

    public UnknownApiKeyException(String id) {
        super(ProblemType.UNKNOWN_API_KEY, "no live API key has id '" + id + "'", Map.of("id", id));
    }
}
