package dev.backbone.server.group;

import dev.backbone.server.log.TopicPartition;

import java.util.List;

/**
 * What one member of a group owns in one generation: the answer to join and heartbeat.
 *
 * @param group            the group
 * @param memberId         the member
 * @param generation       the group's generation; commits must name it
 * @param sessionTimeoutMs the member's lease: it expires this long after the member was last heard from
 * @param partitions       the member's partitions, sorted by topic and partition
 */
public record MemberAssignment(String group, String memberId, int generation, long sessionTimeoutMs,
                               List<TopicPartition> partitions) {

    public MemberAssignment {
        partitions = List.copyOf(partitions);
    }
}
