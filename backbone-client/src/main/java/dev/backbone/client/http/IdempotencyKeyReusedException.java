package dev.backbone.client.http;

/** {@code idempotency-key-reused} (422): the key was used for a different request to the topic. */
public class IdempotencyKeyReusedException extends BackboneProblemException {

    public IdempotencyKeyReusedException(Problem problem) {
        super(problem);
    }

    public String idempotencyKey() {
        return problem().stringMember("idempotencyKey");
    }
}
