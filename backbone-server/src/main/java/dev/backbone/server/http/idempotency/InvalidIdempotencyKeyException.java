package dev.backbone.server.http.idempotency;

/** An {@code Idempotency-Key} header that breaks {@link IdempotencyKeys}' rules. */
public final class InvalidIdempotencyKeyException extends RuntimeException {

    public InvalidIdempotencyKeyException(String message) {
        super(message);
    }
}
