package dev.backbone.server.group;

import java.util.List;

/**
 * A member's assignment with the committed offset of each partition: the answer to join and heartbeat.
 *
 * @param assignment  generation and partitions
 * @param assignments one entry per partition, in the assignment's order
 */
public record MemberState(MemberAssignment assignment, List<AssignedPartition> assignments) {

    public MemberState {
        assignments = List.copyOf(assignments);
    }

    /**
     * @param topic           the topic
     * @param partition       the partition
     * @param committedOffset the group's committed offset there, or null if none
     */
    public record AssignedPartition(String topic, int partition, Long committedOffset) {
    }
}
