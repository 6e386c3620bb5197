package dev.backbone.server.http.idempotency;

import static dev.backbone.client.batch.RecordBatchDescriptor.BASE_OFFSET_OFFSET;
import static dev.backbone.client.batch.RecordBatchDescriptor.BASE_SEQUENCE_OFFSET;
import static dev.backbone.client.batch.RecordBatchDescriptor.BATCH_LENGTH_OFFSET;
import static dev.backbone.client.batch.RecordBatchDescriptor.HEADER_SIZE;
import static dev.backbone.client.batch.RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET;
import static dev.backbone.client.batch.RecordBatchDescriptor.LOG_OVERHEAD;
import static dev.backbone.client.batch.RecordBatchDescriptor.PRODUCER_EPOCH_OFFSET;
import static dev.backbone.client.batch.RecordBatchDescriptor.PRODUCER_ID_OFFSET;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The idempotent-producer state of one partition, as Kafka's broker keeps it: for each producer id, its epoch and
 * the sequence numbers and offsets of its last {@value #BATCHES_PER_PRODUCER} batches.
 *
 * <p>A batch with a producer id {@code >= 0} carries the producer's epoch and the sequence number of its first
 * record; the sequence of its last record is {@code baseSequence + lastOffsetDelta} (wrapping after
 * {@link Integer#MAX_VALUE} to 0). Before an append, {@link #check} classifies the request's batches:
 * <ul>
 *   <li>all are copies of batches among the producer's last five (same epoch, first and last sequence): a
 *       duplicate, answered with the original base offsets and appended nothing;</li>
 *   <li>each continues its producer's sequence (the first sequence is the last one plus one), or starts a new,
 *       higher epoch at sequence 0, or comes from a producer not known here (any sequence): fresh, to append;</li>
 *   <li>an older epoch: {@link ProducerFencedException};</li>
 *   <li>anything else (a gap, a replay older than the last five, duplicates mixed with new batches):
 *       {@link OutOfOrderSequenceException}.</li>
 * </ul>
 * After an append, {@link #record} takes the stored batches (with their assigned offsets) into the state.
 *
 * <p>The state lives in memory. It is rebuilt from the tail of the log (the batches a caller feeds to
 * {@link #record} when it attaches the table), so a producer whose last batches are older than that tail is
 * treated as unknown. At most {@code maxProducers} producers are kept; the least recently used is forgotten.
 *
 * <p>Thread safety: all methods are synchronized; callers run {@code check} and {@code record} under the
 * partition's append lock so that no append can slip between them.
 */
public final class ProducerStateTable {

    public static final int BATCHES_PER_PRODUCER = 5;

    /** What {@link #check} decided. {@code originalBaseOffsets} is set only for duplicates. */
    public record Check(boolean duplicate, long[] originalBaseOffsets) {
        static final Check FRESH = new Check(false, null);
    }

    private record BatchMetadata(int firstSequence, int lastSequence, long baseOffset) {
    }

    private static final class ProducerEntry {
        short epoch;
        final ArrayDeque<BatchMetadata> batches = new ArrayDeque<>(BATCHES_PER_PRODUCER);

        int lastSequence() {
            return batches.isEmpty() ? -1 : batches.peekLast().lastSequence();
        }

        BatchMetadata find(int firstSequence, int lastSequence) {
            for (BatchMetadata b : batches) {
                if (b.firstSequence() == firstSequence && b.lastSequence() == lastSequence) {
                    return b;
                }
            }
            return null;
        }
    }

    private final String partitionName;
    private final LinkedHashMap<Long, ProducerEntry> producers;

    public ProducerStateTable(String partitionName, int maxProducers) {
        if (maxProducers < 1) {
            throw new IllegalArgumentException("maxProducers must be >= 1, was " + maxProducers);
        }
        this.partitionName = partitionName;
        this.producers = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, ProducerEntry> eldest) {
                return size() > maxProducers;
            }
        };
    }

    /** Whether any batch in {@code batches} (back to back, position to limit) carries a producer id. */
    public static boolean hasProducerId(ByteBuffer batches) {
        for (int p = batches.position(); p + HEADER_SIZE <= batches.limit(); p = next(batches, p)) {
            if (batches.getLong(p + PRODUCER_ID_OFFSET) >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Classifies a request's batches (back to back, from position to limit; already validated) against the state.
     *
     * @throws ProducerFencedException when a batch carries an older epoch than the producer's
     * @throws OutOfOrderSequenceException when a batch neither continues nor repeats its producer's sequence
     */
    public synchronized Check check(ByteBuffer batches) {
        Map<Long, int[]> pending = new HashMap<>();
        int count = 0;
        int duplicates = 0;
        long[] originals = new long[16];
        for (int p = batches.position(); p + HEADER_SIZE <= batches.limit(); p = next(batches, p)) {
            if (count == originals.length) {
                originals = Arrays.copyOf(originals, count * 2);
            }
            count++;
            long producerId = batches.getLong(p + PRODUCER_ID_OFFSET);
            if (producerId < 0) {
                continue;
            }
            short epoch = batches.getShort(p + PRODUCER_EPOCH_OFFSET);
            int firstSequence = batches.getInt(p + BASE_SEQUENCE_OFFSET);
            int lastSequence = lastSequence(firstSequence, batches.getInt(p + LAST_OFFSET_DELTA_OFFSET));
            if (epoch < 0 || firstSequence < 0) {
                throw new OutOfOrderSequenceException(partitionName, producerId, epoch, -1, firstSequence,
                        "a batch with a producer id needs an epoch and a sequence >= 0");
            }
            int[] earlier = pending.get(producerId);
            ProducerEntry entry = producers.get(producerId);
            if (earlier != null) {
                if (earlier[0] != epoch || !inSequence(earlier[1], firstSequence)) {
                    throw new OutOfOrderSequenceException(partitionName, producerId, epoch,
                            increment(earlier[1]), firstSequence, "batches of one request must follow each other");
                }
            } else if (entry != null) {
                if (epoch < entry.epoch) {
                    throw new ProducerFencedException(partitionName, producerId, epoch, entry.epoch);
                }
                if (epoch == entry.epoch) {
                    BatchMetadata copy = entry.find(firstSequence, lastSequence);
                    if (copy != null) {
                        originals[count - 1] = copy.baseOffset();
                        duplicates++;
                        continue;
                    }
                    if (!inSequence(entry.lastSequence(), firstSequence)) {
                        throw new OutOfOrderSequenceException(partitionName, producerId, epoch,
                                increment(entry.lastSequence()), firstSequence, null);
                    }
                } else if (firstSequence != 0) {
                    throw new OutOfOrderSequenceException(partitionName, producerId, epoch, 0, firstSequence,
                            "a new epoch starts at sequence 0");
                }
            }
            pending.put(producerId, new int[] {epoch, lastSequence});
        }
        if (duplicates == 0) {
            return Check.FRESH;
        }
        if (duplicates != count) {
            throw new OutOfOrderSequenceException(partitionName, -1, (short) -1, -1, -1,
                    "the request mixes " + duplicates + " batches already stored with " + (count - duplicates)
                            + " new ones; send them separately");
        }
        return new Check(true, Arrays.copyOf(originals, count));
    }

    /** Takes stored batches (back to back, position to limit, with their assigned base offsets) into the state. */
    public synchronized void record(ByteBuffer storedBatches) {
        for (int p = storedBatches.position(); p + HEADER_SIZE <= storedBatches.limit(); p = next(storedBatches, p)) {
            recordHeader(storedBatches, p);
        }
    }

    /** Takes one stored batch, of which only the 61-byte header at {@code position} is needed, into the state. */
    public synchronized void recordHeader(ByteBuffer header, int position) {
        long producerId = header.getLong(position + PRODUCER_ID_OFFSET);
        if (producerId < 0) {
            return;
        }
        short epoch = header.getShort(position + PRODUCER_EPOCH_OFFSET);
        int firstSequence = header.getInt(position + BASE_SEQUENCE_OFFSET);
        int lastSequence = lastSequence(firstSequence, header.getInt(position + LAST_OFFSET_DELTA_OFFSET));
        long baseOffset = header.getLong(position + BASE_OFFSET_OFFSET);
        ProducerEntry entry = producers.computeIfAbsent(producerId, id -> new ProducerEntry());
        if (epoch != entry.epoch) {
            entry.batches.clear();
            entry.epoch = epoch;
        }
        if (entry.batches.size() == BATCHES_PER_PRODUCER) {
            entry.batches.removeFirst();
        }
        entry.batches.addLast(new BatchMetadata(firstSequence, lastSequence, baseOffset));
    }

    /** The number of producers remembered. */
    public synchronized int producerCount() {
        return producers.size();
    }

    private static int next(ByteBuffer batches, int position) {
        int batchLength = batches.getInt(position + BATCH_LENGTH_OFFSET);
        // Callers pass validated batches; a nonsense length ends the walk instead of looping.
        if (batchLength < HEADER_SIZE - LOG_OVERHEAD || batchLength > batches.limit() - position - LOG_OVERHEAD) {
            return batches.limit();
        }
        return position + LOG_OVERHEAD + batchLength;
    }

    static int lastSequence(int firstSequence, int lastOffsetDelta) {
        // Kafka's DefaultRecordBatch.incrementSequence: sequences wrap from Integer.MAX_VALUE to 0.
        if (firstSequence > Integer.MAX_VALUE - lastOffsetDelta) {
            return lastOffsetDelta - (Integer.MAX_VALUE - firstSequence) - 1;
        }
        return firstSequence + lastOffsetDelta;
    }

    private static int increment(int sequence) {
        return sequence == Integer.MAX_VALUE ? 0 : sequence + 1;
    }

    private static boolean inSequence(int lastSequence, int nextSequence) {
        return lastSequence < 0 || nextSequence == increment(lastSequence);
    }
}
