package dev.backbone.server.cluster;

import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import dev.backbone.server.replication.ClusterPeer;
import dev.backbone.server.replication.RaftGroupIds;
import dev.backbone.server.replication.ReplicationNode;
import dev.backbone.server.topic.Topic;
import dev.backbone.server.topic.TopicNames;
import dev.backbone.server.topic.TopicRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.ratis.server.RaftServer;

/**
 * Reads the state of this broker's Raft groups for the cluster view and the health check.
 *
 * <p>Thread safety: thread-safe; every call reads current state.
 */
public final class ClusterStatus {

    /** Applied within this many entries of the commit index counts as caught up. */
    static final long CAUGHT_UP_ENTRIES = 10;

    private final ReplicationNode node;
    private final TopicRegistry registry;

    public ClusterStatus(ReplicationNode node, TopicRegistry registry) {
        this.node = node;
        this.registry = registry;
    }

    public ReplicationNode node() {
        return node;
    }

    public Optional<ClusterPeer> metadataLeader() {
        return node.leader(RaftGroupIds.METADATA);
    }

    /** Whether this broker has applied the metadata up to a few entries of what it knows to be committed. */
    public boolean metadataCaughtUp() {
        // An empty log has not heard from any leader (each appends an entry as its term starts): a broker that lost
        // its storage knows of nothing committed until the leader sends it the log.
        return node.division(RaftGroupIds.METADATA).map(d -> d.getRaftLog().getNextIndex() > 0
                && d.getRaftLog().getLastCommittedIndex() - d.getInfo().getLastAppliedIndex() <= CAUGHT_UP_ENTRIES)
                .orElse(false);
    }

    public ClusterView view() {
        List<ClusterView.Peer> peers = node.peers().all().stream()
                .map(p -> new ClusterView.Peer(p.id(), p.raftAddress(), p.httpUrl().toString()))
                .toList();
        List<ClusterView.Partition> partitions = new ArrayList<>();
        for (String name : registry.names(false)) {
            Topic topic = registry.find(name).orElse(null);
            if (topic == null || TopicNames.isInternal(name)) {
                continue;
            }
            for (PartitionLog log : topic.partitions()) {
                partitions.add(partition(log));
            }
        }
        return new ClusterView(node.self().id(), metadataLeader().map(ClusterPeer::id).orElse(null), peers,
                partitions);
    }

    private ClusterView.Partition partition(PartitionLog log) {
        TopicPartition tp = log.topicPartition();
        List<String> replicas = node.replicas(tp).stream().map(ClusterPeer::id).toList();
        Optional<RaftServer.Division> division = node.division(RaftGroupIds.partition(tp));
        if (division.isEmpty()) {
            return new ClusterView.Partition(tp.topic(), tp.partition(), replicas, null, null, log.logEndOffset(),
                    null, null);
        }
        RaftServer.Division d = division.get();
        String leader = d.getInfo().getLeaderId() == null ? null : d.getInfo().getLeaderId().toString();
        return new ClusterView.Partition(tp.topic(), tp.partition(), replicas, leader, d.getInfo().getCurrentTerm(),
                log.logEndOffset(), d.getRaftLog().getLastCommittedIndex(), d.getInfo().getLastAppliedIndex());
    }
}
