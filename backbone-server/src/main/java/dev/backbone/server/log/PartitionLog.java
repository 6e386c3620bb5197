package dev.backbone.server.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * One partition's append-only log, the only door the layers above use to its segments.
 *
 * <p>Thread safety: appends are serialized per partition (single writer); reads run concurrently with
 * appends and with each other and never block on an append or an fsync.
 */
public interface PartitionLog extends AutoCloseable {

    TopicPartition topicPartition();

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
    AppendResult append(ByteBuffer batches, FlushMode flush) throws IOException;

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
     * Registers a callback run with the new end offset each time more data becomes visible. Called on the
     * appending thread after the lock is released; it must be quick and must not block.
     */
    void addAppendListener(LongConsumer listener);

    void removeAppendListener(LongConsumer listener);

    /** Flushes and closes the partition; later appends throw {@link LogClosedException}. */
    @Override
    void close() throws IOException;
}
