package dev.backbone.server.cluster;

import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import dev.backbone.server.replication.ClusterPeer;
import dev.backbone.server.replication.RaftGroupIds;
import dev.backbone.server.replication.ReplicationNode;
import dev.backbone.server.topic.Topic;
import dev.backbone.server.topic.TopicNames;
import dev.backbone.server.topic.TopicRegistry;
import dev.backbone.server.topic.TopicReplication;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;

/**
 * Reads the state of this broker's Raft groups for the cluster view and the health check.
 *
 * <p>Thread safety: thread-safe; every call reads current state.
 */
public final class ClusterStatus {

    /** Applied within this many entries of the commit index counts as caught up. */
    static final long CAUGHT_UP_ENTRIES = 10;
    /**
     * A partition replica applied within this many entries of its leader's commit index counts as caught up: under
     * a steady stream of produces a follower trails by the entries in flight (one per request, 64 with 64
     * producers); a restarted one trails by thousands.
     */
    static final long PARTITION_CAUGHT_UP_ENTRIES = 256;

    private final ReplicationNode node;
    private final TopicRegistry registry;
    private final TopicReplication replication;

    public ClusterStatus(ReplicationNode node, TopicRegistry registry, TopicReplication replication) {
        this.node = node;
        this.registry = registry;
        this.replication = replication;
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

    /**
     * The partitions this broker replicates that are behind their leader by more than a few hundred entries, as the
     * leader last reported its commit index (or that have no report from it yet), that hear from no leader although
     * they hold entries (an election in progress, about a second, or a partition that lost the majority of its
     * replicas), or whose group has not started although this broker holds records of it.
     */
    public List<TopicPartition> partitionsBehind() {
        List<TopicPartition> behind = new ArrayList<>();
        for (String name : registry.names(true)) {
            Topic topic = registry.find(name).orElse(null);
            if (topic == null || !replication.replicates(name)) {
                continue;
            }
            for (PartitionLog log : topic.partitions()) {
                TopicPartition tp = log.topicPartition();
                Optional<RaftServer.Division> division = node.division(RaftGroupIds.partition(tp));
                // A replica whose group has not started yet (a restarted broker starts its partition groups as it
                // applies the metadata) is behind if it held records: it missed what was written while it was down.
                boolean behindNow = division.isPresent() ? behindItsLeader(division.get())
                        : node.isReplica(tp) && log.logEndOffset() > 0;
                if (behindNow) {
                    behind.add(tp);
                }
            }
        }
        return behind;
    }

    private static boolean behindItsLeader(RaftServer.Division division) {
        if (division.getInfo().isLeader()) {
            return false;
        }
        RaftPeerId leader = division.getInfo().getLeaderId();
        if (leader == null) {
            // A group that never held an entry is new (a topic just created): there is nothing to be behind. One that
            // did may be far behind a leader that has not reached it yet: a leader reconnects to a restarted broker
            // only after gRPC's reconnect backoff, seconds after the broker is up.
            return division.getRaftLog().getNextIndex() > 0;
        }
        // Ratis records the commit indexes a leader sends only from appends that fit this replica's log: while the
        // leader is still looking for where the two logs meet, its commit index is unknown here, so not caught up.
        long applied = division.getInfo().getLastAppliedIndex();
        return division.getCommitInfos().stream()
                .filter(info -> leader.toByteString().equals(info.getServer().getId()))
                .noneMatch(info -> info.getCommitIndex() - applied <= PARTITION_CAUGHT_UP_ENTRIES);
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
