package dev.backbone.server.cluster;

import dev.backbone.server.group.CoordinatorLeadership;
import dev.backbone.server.group.OffsetRecords;
import dev.backbone.server.log.TopicPartition;
import dev.backbone.server.replication.RaftGroupIds;
import dev.backbone.server.replication.ReplicationNode;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;

/**
 * In a cluster, a group's coordinator is the leader of its offsets partition's Raft group: this broker coordinates
 * the groups of an offsets partition in term T while it leads that group in T and has applied every entry committed
 * before T (Ratis's "leader ready"), so that its view of the committed offsets is complete.
 *
 * <p>Thread safety: thread-safe; every call reads the Raft server's current state.
 */
public final class OffsetsLeadership implements CoordinatorLeadership {

    private final ReplicationNode node;

    public OffsetsLeadership(ReplicationNode node) {
        this.node = node;
    }

    /** The Raft group of offsets partition {@code offsetsPartition}. */
    public static RaftGroupId groupOf(int offsetsPartition) {
        return RaftGroupIds.partition(new TopicPartition(OffsetRecords.TOPIC, offsetsPartition));
    }

    @Override
    public OptionalLong term(int offsetsPartition) {
        Optional<RaftServer.Division> division = node.division(groupOf(offsetsPartition));
        if (division.isEmpty()) {
            return OptionalLong.empty();
        }
        DivisionInfo info = division.get().getInfo();
        // Terms only grow: the same term read before and after the role means the role was held in that term.
        long before = info.getCurrentTerm();
        boolean leading = info.isLeader() && info.isLeaderReady();
        long after = info.getCurrentTerm();
        return leading && before == after ? OptionalLong.of(after) : OptionalLong.empty();
    }
}
