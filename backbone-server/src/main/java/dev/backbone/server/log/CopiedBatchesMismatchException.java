package dev.backbone.server.log;

/**
 * Batches copied from another replica do not continue this log: the first does not start at the log's end, or one
 * does not start where the batch before it ended. Nothing was appended.
 */
public final class CopiedBatchesMismatchException extends IllegalStateException {

    private final TopicPartition topicPartition;
    private final long batchBaseOffset;
    private final long expectedOffset;

    public CopiedBatchesMismatchException(TopicPartition topicPartition, long batchBaseOffset, long expectedOffset) {
        super("a batch copied to " + topicPartition + " starts at offset " + batchBaseOffset + " where offset "
                + expectedOffset + " was expected");
        this.topicPartition = topicPartition;
        this.batchBaseOffset = batchBaseOffset;
        this.expectedOffset = expectedOffset;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public long batchBaseOffset() {
        return batchBaseOffset;
    }

    /** Where the batch should have started: the log's end, or the end of the batch before it. */
    public long expectedOffset() {
        return expectedOffset;
    }
}
