package dev.backbone.server.group;

import dev.backbone.server.log.TopicPartition;

import java.util.List;
import java.util.Set;

/**
 * A consistent snapshot of one group's membership.
 *
 * @param group      the group
 * @param generation the current generation (0 before the first member ever joined)
 * @param members    the live members, sorted by member id
 */
public record GroupView(String group, int generation, List<Member> members) {

    public GroupView {
        members = List.copyOf(members);
    }

    /** "Stable" while the group has members, "Empty" otherwise. */
    public String state() {
        return members.isEmpty() ? "Empty" : "Stable";
    }

    /**
     * One live member.
     *
     * @param memberId          the member
     * @param topics            its subscribed topics
     * @param sessionTimeoutMs  its lease
     * @param expiresAtMs       when the lease ends unless renewed (epoch millis of the coordinator's clock)
     * @param partitions        its partitions in this generation, sorted
     */
    public record Member(String memberId, Set<String> topics, long sessionTimeoutMs, long expiresAtMs,
                         List<TopicPartition> partitions) {

        public Member {
            topics = Set.copyOf(topics);
            partitions = List.copyOf(partitions);
        }
    }
}
