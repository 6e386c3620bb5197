package dev.backbone.server.http.idempotency;

/** A batch from an idempotent producer with an older epoch than a newer instance of that producer has used. */
public final class ProducerFencedException extends RuntimeException {

    private final String partition;
    private final long producerId;
    private final short producerEpoch;
    private final short currentEpoch;

    public ProducerFencedException(String partition, long producerId, short producerEpoch, short currentEpoch) {
        super("producer " + producerId + " epoch " + producerEpoch + " is fenced on " + partition
                + ": epoch " + currentEpoch + " has been used since");
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
