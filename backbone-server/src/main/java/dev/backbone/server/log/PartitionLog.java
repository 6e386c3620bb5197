package dev.backbone.server.log;

import dev.backbone.server.log.io.OpenFileBudget;
import dev.backbone.server.log.io.StorageFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * One partition's append-only log, the only door the layers above use to its segments.
 *
 * <p>Visibility: readers see a prefix of the log, its end being {@link #logEndOffset()}. Data appended with
 * {@link FlushMode#NONE} becomes visible as soon as it is written; data appended with {@link FlushMode#SYNC}
 * only once it is fsynced. Because the visible part is always a prefix, a {@code NONE} append that follows a
 * {@code SYNC} append still waiting for its fsync becomes visible with that fsync (its caller is not held up:
 * it is acknowledged at once).
 *
 * <p>Thread safety: appends are serialized per partition (single writer); reads run concurrently with
 * appends and with each other and never block on an append or an fsync. Callers must not interrupt threads
 * inside these methods: the engine never relies on interruption and does not promise what an interrupt does.
 */
public interface PartitionLog extends AutoCloseable {

    TopicPartition topicPartition();

    /** The settings in force; replaced by {@link LogManager#updateConfig}. */
    LogConfig config();

    /** The partition directory, holding the segment files; observers may keep their own files beside them. */
    Path directory();

    /** The file system {@link #directory()} is on; stores kept beside the log use it too. */
    default StorageFiles files() {
        return StorageFiles.real();
    }

    /** The bound on long-lived open files this log's files count against; stores kept beside the log use it too. */
    default OpenFileBudget openFiles() {
        return OpenFileBudget.UNBOUNDED;
    }

    /**
     * Validates and appends one or more v2 batches atomically: either every batch in {@code batches}
     * is stored with contiguous offsets, or none is and the log is unchanged.
     *
     * @param batches the batches back to back, from position to limit; base offsets and leader epochs are
     *                rewritten in place
     * @param flush   when to acknowledge; {@link FlushMode#SYNC} returns after the data is fsynced
     * @throws dev.backbone.client.batch.InvalidBatchException when a batch is malformed, has a bad CRC or is
     *                                                          larger than allowed; the log is unchanged
     * @throws LogClosedException when the log is closed
     * @throws IOException when the file system refuses the write (a full disk, say); the log stays valid for
     *                     the next append
     */
    default AppendResult append(ByteBuffer batches, FlushMode flush) throws IOException {
        return append(batches, flush, AppendPrecondition.NONE);
    }

    /**
     * As {@link #append(ByteBuffer, FlushMode)}, after {@code precondition} accepted the offset the first record
     * will get. The precondition runs under the append lock before anything is written; when it throws, the
     * exception propagates and the log is unchanged.
     */
    AppendResult append(ByteBuffer batches, FlushMode flush, AppendPrecondition precondition) throws IOException;

    /**
     * As {@link #append(ByteBuffer, FlushMode, AppendPrecondition)}, without holding the calling thread while a
     * {@link FlushMode#SYNC} append waits for its fsync: the batches are validated and written before this returns
     * (an invalid batch, a closed log or a refused write throw here, and {@code batches} may be reused at once),
     * and the future completes once the append is acknowledged. For {@link FlushMode#NONE} it is complete already.
     * A SYNC future completes on the flusher thread, or fails with the fsync's {@link IOException}; its callbacks
     * must be quick and must not block, or they hold up the next fsync: hand longer work to an executor.
     */
    CompletableFuture<AppendResult> appendAsync(ByteBuffer batches, FlushMode flush, AppendPrecondition precondition)
            throws IOException;

    /**
     * As {@link #appendAsync(ByteBuffer, FlushMode, AppendPrecondition)}, on behalf of a client request that may be
     * retried. A log that deduplicates on {@code requestId} (a replicated one) completes a repeat of a request it
     * appended with the first append's result, appending nothing; this log does not, and appends.
     *
     * @param requestId null when the request carries none
     */
    default CompletableFuture<AppendResult> appendAsync(ByteBuffer batches, FlushMode flush,
                                                        AppendPrecondition precondition, AppendRequestId requestId)
            throws IOException {
        return appendAsync(batches, flush, precondition);
    }

    /**
     * Appends batches a replication protocol committed, as {@link #append(ByteBuffer, FlushMode, AppendPrecondition)}
     * with {@link FlushMode#NONE}, but stamped with {@code leaderEpoch} and taking {@code appendTimeMs} as the
     * broker's time (segment age, the append time), so that every replica applying the same entries writes the same
     * bytes and rolls at the same offsets. Durability is the replication log's; {@link #flush()} catches up.
     * The config's batch size limit is not applied (the proposer applied it): whether the batches are taken depends
     * on their bytes alone, {@code RecordBatchValidator.validateAll(batches, Integer.MAX_VALUE)}, so a replication
     * protocol can decide again, without appending, what this method did.
     */
    default AppendResult appendReplicated(ByteBuffer batches, int leaderEpoch, long appendTimeMs,
                                          AppendPrecondition precondition) throws IOException {
        throw new UnsupportedOperationException(topicPartition() + " takes no replicated appends");
    }

    /**
     * Appends batches copied from another replica of this partition exactly as they are, base offsets and partition
     * leader epochs included, as {@link #appendReplicated} does otherwise (not fsynced, observers told): for a
     * replica that rebuilds its log from another one's instead of applying the replication log's entries. The first
     * batch's base offset must be this log's end and each next batch must start where the one before ended.
     *
     * @throws CopiedBatchesMismatchException when the first batch does not start at this log's end, or a batch
     *                                         does not start where the one before ended; the log is unchanged
     * @throws dev.backbone.client.batch.InvalidBatchException when a batch is malformed or has a bad CRC
     */
    default AppendResult appendCopied(ByteBuffer batches) throws IOException {
        throw new UnsupportedOperationException(topicPartition() + " takes no copied batches");
    }

    /** Fsyncs everything written so far; blocks until it is durable. */
    default void flush() throws IOException {
        throw new UnsupportedOperationException(topicPartition() + " cannot be flushed on demand");
    }

    /**
     * The batches from the one holding {@code offset}, up to {@code maxBytes} but always at least one whole
     * batch, from one segment. Sees only visible data (in sync mode, only what is durable).
     *
     * @throws OffsetOutOfRangeException when {@code offset} is below the log start or above the end
     */
    LogSlice read(long offset, int maxBytes) throws IOException;

    /** The first offset still in the log. */
    long logStartOffset();

    /** One past the last visible offset: where the next append's records will start to be readable. */
    long logEndOffset();

    /** Bytes in all segment files. */
    long sizeBytes();

    /** The first offset whose batch has a max timestamp at or after {@code timestampMs}, if any. */
    OptionalLong offsetForTimestamp(long timestampMs) throws IOException;

    /**
     * Registers a callback run with the new end offset each time more data becomes visible. Called after the
     * append lock is released, on the appending thread (flush none) or on the flusher thread (flush sync, before
     * the SYNC appenders the fsync covers are acknowledged); it must be quick and must not block. Calls from different threads may overlap and arrive out of order: the
     * argument is a lower bound of {@link #logEndOffset()}, a signal to read, not a sequence.
     */
    void addAppendListener(LongConsumer listener);

    void removeAppendListener(LongConsumer listener);

    /** Registers an observer of every later append; see {@link AppendObserver} for when it is called. */
    void addAppendObserver(AppendObserver observer);

    void removeAppendObserver(AppendObserver observer);

    /** The base offset of the segment appends currently go to. */
    long activeSegmentBaseOffset();

    /** The base offsets of all segments, oldest first. */
    List<Long> segmentBaseOffsets();

    /** Flushes and closes the partition; later appends throw {@link LogClosedException}. */
    @Override
    void close() throws IOException;
}
