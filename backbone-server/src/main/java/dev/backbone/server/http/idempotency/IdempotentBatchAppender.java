package dev.backbone.server.http.idempotency;

import static dev.backbone.client.batch.RecordBatchDescriptor.BATCH_LENGTH_OFFSET;
import static dev.backbone.client.batch.RecordBatchDescriptor.HEADER_SIZE;
import static dev.backbone.client.batch.RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET;
import static dev.backbone.client.batch.RecordBatchDescriptor.LOG_OVERHEAD;
import static dev.backbone.client.batch.RecordBatchDescriptor.BASE_OFFSET_OFFSET;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import dev.backbone.server.log.AppendObserver;
import dev.backbone.server.log.AppendPrecondition;
import dev.backbone.server.log.AppendResult;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogSlice;
import dev.backbone.server.log.OffsetOutOfRangeException;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;

/**
 * Appends binary batches with Kafka's idempotent-producer semantics: a batch whose producer id, epoch and sequence
 * repeat one of the producer's last five batches on the partition is answered with its original base offset and
 * not appended again; a sequence gap is refused ({@link OutOfOrderSequenceException}), an old epoch too
 * ({@link ProducerFencedException}).
 *
 * <p>Each partition gets a {@link ProducerStateTable} the first time an idempotent batch reaches it. The table is
 * rebuilt from the headers of the batches in the partition's active segment and then kept current by an
 * {@link AppendObserver}, which sees every append, whichever path it took. The check runs as the append's
 * precondition, under the partition's append lock, so two copies of one batch sent at the same time cannot both be
 * appended. Producers whose last batch is older than the active segment are unknown after a restart (any sequence
 * is accepted from an unknown producer, as Kafka does once a producer's state has expired).
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class IdempotentBatchAppender {

    /**
     * What an append stored, or, for a retry, what the original append stored (then {@code logAppendTimeMs} is -1:
     * the original time is not remembered).
     */
    public record Result(AppendResult appended, boolean duplicate) {

        public long[] batchBaseOffsets() {
            return appended.batchBaseOffsets();
        }
    }

    /** Thrown by the precondition to abort the append of a duplicate; never leaves this class. */
    private static final class DuplicateBatchException extends RuntimeException {
        final long[] originalBaseOffsets;

        DuplicateBatchException(long[] originalBaseOffsets) {
            super(null, null, false, false);
            this.originalBaseOffsets = originalBaseOffsets;
        }
    }

    private record Attached(PartitionLog log, ProducerStateTable table) {
    }

    private final int maxProducersPerPartition;
    private final Map<TopicPartition, Attached> tables = new ConcurrentHashMap<>();

    public IdempotentBatchAppender(int maxProducersPerPartition) {
        this.maxProducersPerPartition = maxProducersPerPartition;
    }

    /**
     * Appends {@code batches} (validated by the log) to {@code log}, deduplicating batches that carry a producer id.
     * Call it from a thread that may block on file I/O; the result completes as {@link PartitionLog#appendAsync}'s
     * does (for a SYNC append, on the flusher thread once durable), a duplicate's at once.
     */
    public CompletableFuture<Result> append(PartitionLog log, ByteBuffer batches, FlushMode flush)
            throws IOException {
        AppendPrecondition precondition = ProducerStateTable.hasProducerId(batches)
                ? refuseDuplicates(tableFor(log), batches) : AppendPrecondition.NONE;
        try {
            return log.appendAsync(batches, flush, precondition).handle((appended, failure) -> {
                if (failure == null) {
                    return new Result(appended, false);
                }
                // A replicated log checks the precondition again when another append came first, after returning.
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                if (cause instanceof DuplicateBatchException duplicate) {
                    return new Result(duplicateResult(batches, duplicate.originalBaseOffsets), true);
                }
                throw failure instanceof CompletionException completion ? completion : new CompletionException(failure);
            });
        } catch (DuplicateBatchException e) {
            return CompletableFuture.completedFuture(new Result(duplicateResult(batches, e.originalBaseOffsets), true));
        }
    }

    /** Checks {@code batches} against the producer's recent batches under the append lock; a repeat aborts. */
    private static AppendPrecondition refuseDuplicates(ProducerStateTable table, ByteBuffer batches) {
        return nextOffset -> {
            ProducerStateTable.Check check = table.check(batches);
            if (check.duplicate()) {
                throw new DuplicateBatchException(check.originalBaseOffsets());
            }
        };
    }

    private static AppendResult duplicateResult(ByteBuffer batches, long[] baseOffsets) {
        int last = batches.position();
        for (int p = last; p + HEADER_SIZE <= batches.limit(); p += LOG_OVERHEAD + batches.getInt(p + BATCH_LENGTH_OFFSET)) {
            last = p;
        }
        long lastOffset = baseOffsets[baseOffsets.length - 1] + batches.getInt(last + LAST_OFFSET_DELTA_OFFSET);
        return new AppendResult(baseOffsets[0], lastOffset, baseOffsets, -1L);
    }

    /** Forgets the state of every partition of a deleted topic (a topic of the same name starts afresh). */
    public void forgetTopic(String topic) {
        tables.keySet().removeIf(tp -> tp.topic().equals(topic));
    }

    /** The number of partitions with producer state (for tests and metrics). */
    public int partitionsTracked() {
        return tables.size();
    }

    private ProducerStateTable tableFor(PartitionLog log) throws IOException {
        Attached attached = tables.get(log.topicPartition());
        if (attached != null && attached.log() == log) {
            return attached.table();
        }
        synchronized (this) {
            attached = tables.get(log.topicPartition());
            if (attached != null && attached.log() == log) {
                return attached.table();
            }
            ProducerStateTable table = new ProducerStateTable(log.topicPartition().toString(), maxProducersPerPartition);
            // Rebuild first, then observe: only this class appends batches with producer ids, and it waits here.
            rebuild(log, table);
            log.addAppendObserver(new AppendObserver() {
                @Override
                public void onAppend(TopicPartition tp, long segmentBaseOffset, long filePosition,
                                     ByteBuffer storedBatches) {
                    table.record(storedBatches);
                }

                @Override
                public String toString() {
                    return "producer state of " + log.topicPartition();
                }
            });
            tables.put(log.topicPartition(), new Attached(log, table));
            return table;
        }
    }

    /** Feeds the headers of every batch from the active segment's start to the end of the log into the table. */
    static void rebuild(PartitionLog log, ProducerStateTable table) throws IOException {
        long offset = Math.max(log.activeSegmentBaseOffset(), log.logStartOffset());
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        while (offset < log.logEndOffset()) {
            LogSlice slice;
            try {
                slice = log.read(offset, 1 << 20);
            } catch (OffsetOutOfRangeException e) {
                return; // retention removed the segment meanwhile: nothing left to learn from
            }
            if (slice.isEmpty()) {
                return;
            }
            try (FileChannel channel = slice.openChannel()) {
                long position = slice.position();
                long end = slice.position() + slice.sizeBytes();
                while (position + HEADER_SIZE <= end) {
                    header.clear();
                    if (!readFully(channel, header, position)) {
                        break;
                    }
                    table.recordHeader(header, 0);
                    position += LOG_OVERHEAD + header.getInt(BATCH_LENGTH_OFFSET);
                    offset = header.getLong(BASE_OFFSET_OFFSET) + header.getInt(LAST_OFFSET_DELTA_OFFSET) + 1;
                }
            } catch (NoSuchFileException e) {
                return;
            }
            offset = Math.max(offset, slice.nextOffset());
        }
    }

    private static boolean readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            if (channel.read(into, position + into.position()) < 0) {
                return false;
            }
        }
        return true;
    }
}
