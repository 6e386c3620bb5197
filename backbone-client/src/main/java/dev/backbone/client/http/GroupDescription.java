package dev.backbone.client.http;

import java.util.List;

/**
 * A group as {@code GET /v1/groups/{group}} describes it.
 *
 * @param group      the group
 * @param state      the broker's word for it ({@code Stable}, {@code Empty}, ...)
 * @param generation its generation
 * @param members    its live members
 * @param partitions every partition of its topics with the committed offset and lag
 */
public record GroupDescription(String group, String state, int generation, List<Member> members,
                               List<PartitionLag> partitions) {

    public GroupDescription {
        members = List.copyOf(members);
        partitions = List.copyOf(partitions);
    }

    /**
     * A live member.
     *
     * @param memberId         its id
     * @param topics           the topics it subscribes to
     * @param sessionTimeoutMs its lease
     * @param sessionExpiresAt when the lease ends unless renewed, epoch milliseconds
     * @param assignments      the partitions it owns
     */
    public record Member(String memberId, List<String> topics, long sessionTimeoutMs, long sessionExpiresAt,
                         List<TopicPartition> assignments) {

        public Member {
            topics = List.copyOf(topics);
            assignments = List.copyOf(assignments);
        }
    }

    /** A topic and partition. */
    public record TopicPartition(String topic, int partition) {
    }

    /**
     * A partition's progress in the group.
     *
     * @param committedOffset the committed offset, or -1 without a commit
     * @param lag             records not yet consumed
     * @param owner           the owning member, or null
     */
    public record PartitionLag(String topic, int partition, long committedOffset, long startOffset,
                               long endOffset, long lag, String owner) {
    }
}
