package dev.backbone.client.http;

/**
 * A partition assigned to a group member.
 *
 * @param topic           the topic
 * @param partition       the partition
 * @param committedOffset the group's committed offset there (the next offset to consume), or -1 if none
 */
public record AssignedPartition(String topic, int partition, long committedOffset) {

    /** The value of {@link #committedOffset} when the group never committed this partition. */
    public static final long NO_COMMIT = -1L;
}
