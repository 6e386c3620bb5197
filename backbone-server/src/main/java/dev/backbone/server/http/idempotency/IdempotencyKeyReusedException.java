package dev.backbone.server.http.idempotency;

/** A request reused an idempotency key that an earlier, different request in the window already used. */
public final class IdempotencyKeyReusedException extends RuntimeException {

    private final String scope;
    private final String key;

    public IdempotencyKeyReusedException(String scope, String key) {
        super("idempotency key '" + key + "' was already used for a different request to '" + scope
                + "' within the idempotency window");
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
