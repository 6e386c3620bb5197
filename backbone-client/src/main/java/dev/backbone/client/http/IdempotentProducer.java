package dev.backbone.client.http;

import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Sends record batches that the broker deduplicates: each carries this producer's id, epoch 0 and the next
 * sequence of its partition, so a batch sent again after a lost answer (a cut connection, a timeout, a 5xx) is
 * recognised as a repeat and answered with its original offsets instead of being appended twice.
 *
 * <p>Obtained from {@link BackboneClient#idempotentProducer()}. The producer id is random and non-negative; a
 * restarted application is a new producer. Each partition starts at epoch 0, sequence 0. At most one request per
 * partition is in flight at a time, so the broker sees each partition's sequences in order; sends to different
 * partitions run in parallel. A send that fails for good (after its retries) may or may not have been stored, so
 * its sequence can be used neither again nor skipped: the next send to that partition starts the next epoch at
 * sequence 0, which the broker accepts and which fences any late copy of the failed batch.
 *
 * <p>Thread-safe.
 */
public final class IdempotentProducer {

    IdempotentProducer() {
    }

    /** The producer id, fixed for the life of this producer. */
    public long producerId() {
        throw new UnsupportedOperationException("not built yet");
    }

    /**
     * Sends the records as one batch to one partition.
     *
     * @param flush the flush mode for this request, or null for the topic's
     * @return the offsets; {@link ProduceResult#replayed()} is true when a retry found the first attempt stored
     */
    public Mono<ProduceResult> send(String topic, int partition, List<ProducerRecord> records, Flush flush) {
        throw new UnsupportedOperationException("not built yet");
    }
}
