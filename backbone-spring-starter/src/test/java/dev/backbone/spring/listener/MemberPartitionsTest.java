package dev.backbone.spring.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import dev.backbone.client.http.AssignedPartition;
import dev.backbone.client.http.GroupMembership;
import org.junit.jupiter.api.Test;

class MemberPartitionsTest {

    private static GroupMembership membership(String memberId, int generation, int... partitions) {
        List<AssignedPartition> assigned = java.util.Arrays.stream(partitions)
                .mapToObj(p -> new AssignedPartition("t", p, 10L * p)).toList();
        return new GroupMembership("g", memberId, generation, Duration.ofSeconds(10), assigned);
    }

    /** The flag a member checks before every record says what the map's identity check would. */
    @Test
    void aPartitionIsMarkedRevokedWhenItLeavesTheMember() {
        MemberPartitions member = new MemberPartitions(0);
        member.joined("m1");
        member.apply(membership("m1", 1, 0, 1), id -> true);
        OwnedPartition zero = member.owned().get(new TopicPartition("t", 0));
        OwnedPartition one = member.owned().get(new TopicPartition("t", 1));
        assertThat(zero.revoked).isFalse();
        assertThat(one.revoked).isFalse();

        member.apply(membership("m1", 2, 1, 2), id -> true);
        assertThat(member.owned()).doesNotContainKey(new TopicPartition("t", 0));
        assertThat(zero.revoked).as("revoked by the new assignment").isTrue();
        assertThat(member.owned().get(new TopicPartition("t", 1))).as("kept, the same state").isSameAs(one);
        assertThat(one.revoked).isFalse();

        OwnedPartition two = member.owned().get(new TopicPartition("t", 2));
        member.lost("m1");
        assertThat(member.owned()).isEmpty();
        assertThat(one.revoked).isTrue();
        assertThat(two.revoked).isTrue();

        member.joined("m2");
        member.apply(membership("m2", 3, 1), id -> true);
        OwnedPartition again = member.owned().get(new TopicPartition("t", 1));
        assertThat(again).as("a partition gained again is a new state").isNotSameAs(one);
        assertThat(again.revoked).isFalse();
        member.joined("m3");
        assertThat(again.revoked).as("a new membership starts with nothing").isTrue();
    }
}
