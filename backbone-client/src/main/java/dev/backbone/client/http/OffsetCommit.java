package dev.backbone.client.http;

/**
 * One offset of a group commit.
 *
 * @param topic     the topic
 * @param partition the partition
 * @param offset    the next offset to consume: one past the last processed record
 */
public record OffsetCommit(String topic, int partition, long offset) {

    public OffsetCommit {
        if (offset < 0) {
            throw new IllegalArgumentException("a committed offset must not be negative, got " + offset
                    + " for " + topic + "-" + partition);
        }
    }
}
