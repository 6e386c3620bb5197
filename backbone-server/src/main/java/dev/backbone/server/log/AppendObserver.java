package dev.backbone.server.log;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Sees every append of one partition, in append order, with the exact bytes stored. The key index and the
 * audit chain hang off it.
 *
 * <p>{@link #onAppend} is called under the partition's append lock, after the bytes are written (with
 * their assigned offsets) and before the append is acknowledged or becomes visible to readers. An observer
 * registered after the log was opened sees every append whose write starts after registration; it rebuilds
 * its view of older data with {@link PartitionLog#read}. Implementations must be quick, must not block on
 * I/O of their own beyond buffered writes, must not call back into the log, and should not throw: an
 * exception is logged and the append still succeeds (its bytes are already in the log).
 */
public interface AppendObserver {

    /**
     * @param topicPartition     the partition appended to
     * @param segmentBaseOffset  the base offset of the segment holding the bytes
     * @param filePosition       the byte position in that segment's {@code .log} file where the bytes start
     * @param storedBatches      a read-only view of exactly the bytes written, one or more whole batches; valid
     *                           only during the call (the caller may reuse the buffer as soon as the append
     *                           returns): copy what must be kept
     */
    void onAppend(TopicPartition topicPartition, long segmentBaseOffset, long filePosition, ByteBuffer storedBatches);

    /**
     * The same append, with what validating it decompressed: observers that read records (the key index) override
     * this one so that a compressed batch is decompressed once per append, not once more per reader. The log calls
     * this method; by default it forwards to the one above.
     *
     * @param plainForms one entry per stored batch, in order: the plain form of a compressed batch (its records
     *                   decompressed, its header's base offset not yet the assigned one: take offsets from the
     *                   stored batch), null for an uncompressed one; valid only during the call
     */
    default void onAppend(TopicPartition topicPartition, long segmentBaseOffset, long filePosition,
                          ByteBuffer storedBatches, List<ByteBuffer> plainForms) {
        onAppend(topicPartition, segmentBaseOffset, filePosition, storedBatches);
    }

    /**
     * Whole segments were removed by retention; offsets below {@code newLogStartOffset} are gone. Called under
     * the append lock.
     */
    default void onSegmentsDeleted(long newLogStartOffset) {
    }
}
