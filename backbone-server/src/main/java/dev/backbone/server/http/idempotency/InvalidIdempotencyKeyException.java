package dev.backbone.server.http.idempotency;

import java.util.Map;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;

/** An {@code Idempotency-Key} header that breaks {@link IdempotencyKeys}' rules. */
public final class InvalidIdempotencyKeyException extends BackboneException {

    public InvalidIdempotencyKeyException(String message) {
        super(ProblemType.INVALID_PARAMETER, message, Map.of("parameter", IdempotencyKeys.HEADER));
    }
}
