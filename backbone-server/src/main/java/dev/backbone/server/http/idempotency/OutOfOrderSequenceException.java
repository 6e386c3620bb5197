package dev.backbone.server.http.idempotency;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;

/**
 * A batch from an idempotent producer whose sequence neither continues nor repeats one of the producer's last
 * batches on this partition: a batch was lost in between, or the retry is older than the broker remembers.
 */
public final class OutOfOrderSequenceException extends BackboneException {

    private final String partition;
    private final long producerId;
    private final short producerEpoch;
    private final int expectedSequence;
    private final int actualSequence;

    /**
     * @param expectedSequence the sequence the broker expected next, or -1 when not one in particular
     * @param detail           why, when more than the numbers say; may be null
     */
    public OutOfOrderSequenceException(String partition, long producerId, short producerEpoch, int expectedSequence,
                                       int actualSequence, String detail) {
        super(ProblemType.OUT_OF_ORDER_SEQUENCE, "out-of-order sequence on " + partition
                + (producerId >= 0 ? " from producer " + producerId + " epoch " + producerEpoch : "")
                + (expectedSequence >= 0 ? ": expected sequence " + expectedSequence + ", got " + actualSequence : "")
                + (detail != null ? ": " + detail : ""), facts(producerId, producerEpoch, expectedSequence,
                actualSequence));
        this.partition = partition;
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        this.expectedSequence = expectedSequence;
        this.actualSequence = actualSequence;
    }

    private static Map<String, Object> facts(long producerId, short producerEpoch, int expectedSequence,
                                             int actualSequence) {
        Map<String, Object> facts = new LinkedHashMap<>();
        if (producerId >= 0) {
            facts.put("producerId", producerId);
            facts.put("producerEpoch", producerEpoch);
        }
        if (expectedSequence >= 0) {
            facts.put("expectedSequence", expectedSequence);
            facts.put("sequence", actualSequence);
        }
        return facts;
    }

    public String partition() {
        return partition;
    }

    public long producerId() {
        return producerId;
    }

    public short producerEpoch() {
        return producerEpoch;
    }

    public int expectedSequence() {
        return expectedSequence;
    }

    public int actualSequence() {
        return actualSequence;
    }
}
