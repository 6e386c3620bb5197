package dev.backbone.server.replication;

import dev.backbone.server.log.TopicPartition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;

/**
 * The Raft group ids of the cluster and where each partition's replicas live. Both are computed from names, never
 * stored: every broker comes to the same answer from the same peer list and topic.
 *
 * <p>Thread safety: stateless.
 */
public final class RaftGroupIds {

    /** The metadata group, which every peer is a member of. */
    public static final RaftGroupId METADATA = RaftGroupId.valueOf(nameUuid("backbone:metadata"));

    private RaftGroupIds() {
    }

    /** The group of one partition: a name-based (type 3) UUID of {@code topic} and {@code partition}. */
    public static RaftGroupId partition(TopicPartition tp) {
        return RaftGroupId.valueOf(nameUuid("backbone:partition:" + tp.topic() + "/" + tp.partition()));
    }

    /**
     * The replicas of a partition: {@code replicationFactor} peers (at most all of them), taken round robin over the
     * peers sorted by id, starting at a place that moves by one from partition to partition so that leaders and
     * load spread.
     */
    public static List<ClusterPeer> replicas(ClusterPeers peers, int replicationFactor, TopicPartition tp) {
        List<ClusterPeer> all = peers.all();
        int count = Math.min(Math.max(1, replicationFactor), all.size());
        // String.hashCode is specified by the language, so every JVM places alike.
        int start = Math.floorMod(tp.topic().hashCode() + tp.partition(), all.size());
        List<ClusterPeer> replicas = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            replicas.add(all.get((start + i) % all.size()));
        }
        return replicas;
    }

    /** The group {@code id} with {@code members} as its peers, at their Raft addresses. */
    static RaftGroup group(RaftGroupId id, List<ClusterPeer> members) {
        return RaftGroup.valueOf(id, members.stream()
                .map(p -> RaftPeer.newBuilder().setId(p.id()).setAddress(p.raftAddress()).build())
                .toList());
    }

    private static UUID nameUuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }
}
