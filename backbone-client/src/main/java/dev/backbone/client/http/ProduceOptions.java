package dev.backbone.client.http;

/**
 * Options of one binary produce.
 *
 * @param flush          overrides the topic's flush mode for this request; null keeps the topic's
 * @param idempotencyKey sent as {@code Idempotency-Key} so a repeat of the request is answered from the broker's
 *                       memory instead of appended again; null sends none (then only batches that carry a producer
 *                       id and sequence are safe to retry)
 */
public record ProduceOptions(Flush flush, String idempotencyKey) {

    /** The topic's flush mode, no idempotency key. */
    public static final ProduceOptions DEFAULT = new ProduceOptions(null, null);

    /** The given flush mode, no idempotency key. */
    public static ProduceOptions flush(Flush flush) {
        return new ProduceOptions(flush, null);
    }
}
