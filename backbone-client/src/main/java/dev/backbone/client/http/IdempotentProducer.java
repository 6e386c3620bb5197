package dev.backbone.client.http;

import dev.backbone.client.batch.CompressionCodec;
import dev.backbone.client.batch.Header;
import dev.backbone.client.batch.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Sends record batches that the broker deduplicates: each carries this producer's id, its partition's epoch and the
 * next sequence of its partition, so a batch sent again after a lost answer (a cut connection, a timeout, a 5xx) is
 * recognised as a repeat and answered with its original offsets instead of being appended twice. A retry sends the
 * very same bytes.
 *
 * <p>Batches are compressed with the codec the producer was made with ({@link CompressionCodec#NONE} by default);
 * the broker stores them as sent.
 *
 * <p>Obtained from {@link BackboneClient#idempotentProducer()}. The producer id is random and non-negative; a
 * restarted application is a new producer. Each partition starts at epoch 0, sequence 0. At most one request per
 * partition is in flight at a time, so the broker sees each partition's sequences in order; sends to different
 * partitions run in parallel, and sends to one partition queue in the order they were subscribed. A send that fails
 * for good (after its retries) may or may not have been stored, so its sequence can be neither used again nor
 * skipped: the next send to that partition starts the next epoch at sequence 0, which the broker accepts and which
 * fences any late copy of the failed batch.
 *
 * <p>Thread-safe.
 */
public final class IdempotentProducer {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** The batch header and some slack. */
    private static final int RECORD_BATCH_OVERHEAD = 64;
    /** A record's length, attributes, deltas and counts: at most ~20 bytes beyond key, value and headers. */
    private static final int RECORD_OVERHEAD = 24;
    /** A header's two length varints, for names and values of usual sizes. */
    private static final int HEADER_OVERHEAD = 4;

    private final BackboneClient client;
    private final long producerId;
    private final CompressionCodec compression;
    private final ConcurrentMap<String, Lane> lanes = new ConcurrentHashMap<>();
    /** One spare per partition usually in flight; beyond that, batches are allocated as before. */
    private final BatchBufferPool buffers = new BatchBufferPool(8);

    IdempotentProducer(BackboneClient client, CompressionCodec compression) {
        this.client = client;
        this.producerId = newProducerId();
        this.compression = Objects.requireNonNull(compression, "compression");
    }

    /** The producer id, fixed for the life of this producer. */
    public long producerId() {
        return producerId;
    }

    /** The codec every batch of this producer is compressed with. */
    public CompressionCodec compression() {
        return compression;
    }

    /**
     * Sends the records as one batch to one partition. Nothing is sent until the result is subscribed.
     *
     * @param flush the flush mode for this request, or null for the topic's
     * @return the offsets; {@link ProduceResult#replayed()} is true when a retry found the first attempt stored
     */
    public Mono<ProduceResult> send(String topic, int partition, List<ProducerRecord> records, Flush flush) {
        Objects.requireNonNull(topic, "topic");
        if (records.isEmpty()) {
            return Mono.error(new IllegalArgumentException("a batch needs at least one record"));
        }
        List<ProducerRecord> copy = List.copyOf(records);
        return Mono.create(sink -> lanes.computeIfAbsent(topic + '\u0000' + partition,
                k -> new Lane(topic, partition)).enqueue(new Pending(copy, flush, sink)));
    }

    private static long newProducerId() {
        return RANDOM.nextLong() & Long.MAX_VALUE;
    }

    /**
     * A send waiting for its turn; {@code encodedInto} is the buffer its batch was encoded into, set when it
     * starts, and given back to the pool once the broker acknowledged the batch.
     */
    private static final class Pending {
        private final List<ProducerRecord> records;
        private final Flush flush;
        private final MonoSink<ProduceResult> sink;
        private volatile ByteBuffer encodedInto;

        Pending(List<ProducerRecord> records, Flush flush, MonoSink<ProduceResult> sink) {
            this.records = records;
            this.flush = flush;
            this.sink = sink;
        }

        List<ProducerRecord> records() {
            return records;
        }

        Flush flush() {
            return flush;
        }

        MonoSink<ProduceResult> sink() {
            return sink;
        }
    }

    /**
     * One partition's queue of sends and its sequence state. Guarded by its own monitor; requests are started
     * outside it.
     */
    private final class Lane {

        private final String topic;
        private final int partition;
        private final Queue<Pending> queue = new ArrayDeque<>();
        private boolean busy;
        private long laneProducerId = producerId;
        private short epoch;
        private int nextSequence;

        Lane(String topic, int partition) {
            this.topic = topic;
            this.partition = partition;
        }

        void enqueue(Pending pending) {
            synchronized (this) {
                if (busy) {
                    queue.add(pending);
                    return;
                }
                busy = true;
            }
            start(pending);
        }

        private void start(Pending pending) {
            ByteBuffer batch;
            try {
                batch = nextBatch(pending);
            } catch (RuntimeException e) {
                finish(pending, null, e);
                return;
            }
            client.produce(topic, partition, batch, ProduceOptions.flush(pending.flush())).subscribe(
                    result -> finish(pending, result, null),
                    error -> finish(pending, null, error));
        }

        private synchronized ByteBuffer nextBatch(Pending pending) {
            List<ProducerRecord> records = pending.records();
            int estimate = estimatedBatchBytes(records);
            ByteBuffer spare = buffers.take(estimate);
            RecordBatchBuilder builder = (spare == null ? new RecordBatchBuilder(compression, estimate)
                    : new RecordBatchBuilder(compression, spare)).producer(laneProducerId, epoch, nextSequence);
            for (ProducerRecord r : records) {
                builder.add(r.timestamp(), r.key(), r.value(), r.headers());
            }
            ByteBuffer batch = builder.build();
            pending.encodedInto = builder.buffer();
            nextSequence = (int) ((nextSequence + (long) records.size()) % (1L << 31));
            return batch;
        }

        /** The batch size to start the builder at, so that it is encoded without growing its buffer. */
        private static int estimatedBatchBytes(List<ProducerRecord> records) {
            long bytes = RECORD_BATCH_OVERHEAD;
            for (ProducerRecord r : records) {
                bytes += RECORD_OVERHEAD + (r.key() == null ? 0 : r.key().length)
                        + (r.value() == null ? 0 : r.value().length);
                for (Header h : r.headers()) {
                    bytes += HEADER_OVERHEAD + h.key().length() + (h.value() == null ? 0 : h.value().length);
                }
            }
            return (int) Math.min(bytes, Integer.MAX_VALUE - 8);
        }

        private void finish(Pending pending, ProduceResult result, Throwable error) {
            Pending next;
            synchronized (this) {
                if (error != null) {
                    startNextEpoch();
                }
                next = queue.poll();
                if (next == null) {
                    busy = false;
                }
            }
            if (error != null) {
                pending.sink().error(error);
            } else {
                // Acknowledged: the broker has read the whole body, so no write of these bytes is left. After a
                // failure the buffer is dropped instead, as a write may still hold it.
                buffers.giveBack(pending.encodedInto);
                pending.sink().success(result);
            }
            if (next != null) {
                start(next);
            }
        }

        /** Caller holds the monitor. The epoch is a short: past its last value the lane takes a new id. */
        private void startNextEpoch() {
            if (epoch == Short.MAX_VALUE) {
                laneProducerId = newProducerId();
                epoch = 0;
            } else {
                epoch++;
            }
            nextSequence = 0;
        }
    }
}
