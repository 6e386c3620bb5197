package dev.backbone.client.http;

/**
 * {@code out-of-order-sequence} (409): an idempotent producer's batch neither continues its sequence nor repeats one
 * of its last five batches. A batch was lost in between, or a retry came later than the broker remembers.
 */
public class OutOfOrderSequenceException extends BackboneProblemException {

    public OutOfOrderSequenceException(Problem problem) {
        super(problem);
    }

    public long producerId() {
        return problem().longMember("producerId", -1L);
    }

    /** The sequence the broker expected. */
    public int expectedSequence() {
        return (int) problem().longMember("expectedSequence", -1L);
    }

    /** The sequence the batch carried. */
    public int sequence() {
        return (int) problem().longMember("sequence", -1L);
    }
}
