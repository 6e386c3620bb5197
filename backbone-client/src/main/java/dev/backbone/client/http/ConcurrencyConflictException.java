package dev.backbone.client.http;

/**
 * A key stream append whose expected version did not hold: {@code version-conflict} (409) for an
 * {@code expectedVersion}, {@code precondition-failed} (412) for {@code If-Match}/{@code If-None-Match}. Nothing
 * was written. Read the stream from {@link #currentVersion()}, decide again, and retry with it.
 */
public class ConcurrencyConflictException extends BackboneProblemException {

    public ConcurrencyConflictException(Problem problem) {
        super(problem);
    }

    /** The topic. */
    public String topic() {
        return problem().stringMember("topic");
    }

    /** The key of the stream. */
    public String key() {
        return problem().stringMember("key");
    }

    /** The version the request expected; {@link ExpectedVersion#ANY} when it sent an HTTP precondition. */
    public long expectedVersion() {
        return problem().longMember("expectedVersion", ExpectedVersion.ANY);
    }

    /** The stream's version when the append was refused, -1 when it does not exist. */
    public long currentVersion() {
        return problem().longMember("currentVersion", -1L);
    }
}
