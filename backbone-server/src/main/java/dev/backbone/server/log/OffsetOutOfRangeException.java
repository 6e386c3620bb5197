package dev.backbone.server.log;

/** A read asked for an offset outside {@code [logStartOffset, logEndOffset]}. */
public final class OffsetOutOfRangeException extends RuntimeException {

    private final TopicPartition topicPartition;
    private final long requestedOffset;
    private final long logStartOffset;
    private final long logEndOffset;

    public OffsetOutOfRangeException(TopicPartition topicPartition, long requestedOffset, long logStartOffset,
                                     long logEndOffset) {
        super("offset " + requestedOffset + " is out of range for " + topicPartition + ": valid offsets are "
                + logStartOffset + " to " + logEndOffset);
        this.topicPartition = topicPartition;
        this.requestedOffset = requestedOffset;
        this.logStartOffset = logStartOffset;
        this.logEndOffset = logEndOffset;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public long requestedOffset() {
        return requestedOffset;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public long logEndOffset() {
        return logEndOffset;
    }
}
