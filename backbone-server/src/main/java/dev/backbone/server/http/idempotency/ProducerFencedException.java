package dev.backbone.server.http.idempotency;

import java.util.Map;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;

/** A batch from an idempotent producer with an older epoch than a newer instance of that producer has used. */
public final class ProducerFencedException extends BackboneException {

    private final String partition;
    private final long producerId;
    private final short producerEpoch;
    private final short currentEpoch;

    public ProducerFencedException(String partition, long producerId, short producerEpoch, short currentEpoch) {
        super(ProblemType.PRODUCER_FENCED, "producer " + producerId + " epoch " + producerEpoch + " is fenced on "
                + partition + ": epoch " + currentEpoch + " has been used since", Map.of("producerId", producerId,
                "producerEpoch", producerEpoch, "currentEpoch", currentEpoch));
        this.partition = partition;
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        this.currentEpoch = currentEpoch;
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

    public short currentEpoch() {
        return currentEpoch;
    }
}
