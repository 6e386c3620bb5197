package dev.backbone.client.http;

import java.time.Duration;
import java.util.List;

/**
 * A member's place in its group, as join and heartbeat answer it.
 *
 * @param group          the group
 * @param memberId       the member id the broker gave at join
 * @param generation     the group's generation: a commit must name it
 * @param sessionTimeout the member's lease
 * @param assignments    the partitions the member owns in this generation
 */
public record GroupMembership(String group, String memberId, int generation, Duration sessionTimeout,
                              List<AssignedPartition> assignments) {

    public GroupMembership {
        assignments = List.copyOf(assignments);
    }
}
