package dev.backbone.server.http.idempotency;

import java.util.Map;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;

/** A request reused an idempotency key that an earlier, different request in the window already used. */
public final class IdempotencyKeyReusedException extends BackboneException {

    private final String scope;
    private final String key;

    public IdempotencyKeyReusedException(String scope, String key) {
        super(ProblemType.IDEMPOTENCY_KEY_REUSED, "idempotency key '" + key + "' was already used for a different"
                + " request to '" + scope + "' within the idempotency window", Map.of("idempotencyKey", key));
        this.scope = scope;
        this.key = key;
    }

    public String scope() {
        return scope;
    }

    public String key() {
        return key;
    }
}
