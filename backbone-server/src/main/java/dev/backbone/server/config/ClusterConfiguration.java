package dev.backbone.server.config;

import dev.backbone.server.cluster.ClusterHealthIndicator;
import dev.backbone.server.cluster.ClusterStatus;
import dev.backbone.server.cluster.CoordinatorForwardFilter;
import dev.backbone.server.cluster.OffsetsLeadership;
import dev.backbone.server.cluster.ReplicatedOffsetAppender;
import dev.backbone.server.cluster.RequestForwarder;
import dev.backbone.server.group.CoordinatorLeadership;
import dev.backbone.server.group.OffsetAppender;
import dev.backbone.server.group.OffsetRecords;
import dev.backbone.server.group.OffsetStore;
import dev.backbone.server.http.HttpLimits;
import dev.backbone.server.cluster.ProduceRedirectFilter;
import dev.backbone.server.replication.ClusterPeer;
import dev.backbone.server.replication.ClusterPeers;
import dev.backbone.server.replication.ClusterTopics;
import dev.backbone.server.replication.InvalidPeersException;
import dev.backbone.server.replication.ReplicationNode;
import dev.backbone.server.replication.StalledFollowerRescue;
import dev.backbone.server.topic.TopicRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires replication when {@code backbone.cluster.peers} is set: the Raft server, the cluster's topics (which the
 * topic registry takes as its {@link dev.backbone.server.topic.TopicReplication}), the cluster view, the produce
 * redirect, the {@code cluster} health component, and consumer groups coordinated by the leaders of the replicated
 * offsets partitions (requests about a group forwarded to its coordinator). Without the property none of it exists
 * and the broker runs alone as before.
 *
 * <p>Start order: the node and the cluster topics first (the registry wraps replicated partitions with them while it
 * opens), then {@link ClusterStart} starts the Raft server once the registry is open, before the web server takes
 * requests. Stop order is the reverse: the Raft server stops before the registry's logs close.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "backbone.cluster", name = "peers")
class ClusterConfiguration {

    /** A leader appends within a second or two of its election; ten seconds of an empty log is a stall. */
    private static final Duration STALLED_FOLLOWER_PATIENCE = Duration.ofSeconds(10);

    @Bean(destroyMethod = "close")
    ReplicationNode replicationNode(ClusterProperties cluster, BackboneProperties broker,
                                    IdempotencyProperties idempotency,
                                    @Value("${server.port:8080}") int serverPort) {
        ClusterPeers peers = ClusterPeers.parse(cluster.getPeers());
        if (cluster.getNodeId() == null) {
            throw new InvalidPeersException("backbone.cluster.node-id must be set when backbone.cluster.peers is");
        }
        ClusterPeer self = peers.require(cluster.getNodeId());
        if (serverPort != 0 && serverPort != self.httpPort()) {
            throw new InvalidPeersException("server.port is " + serverPort + " but peer '" + self.id()
                    + "' has HTTP port " + self.httpPort() + " in backbone.cluster.peers; they must be equal");
        }
        ReplicationNode node = new ReplicationNode(peers, self.id(), cluster.getReplicationFactor(),
                cluster.getRequestTimeout(), broker.getDataDir().resolve("raft"), cluster.getSnapshotIntervalEntries());
        node.deduplicateRequests(idempotency.getWindow(), idempotency.getMaxKeys());
        node.snapshotIntervalBytes(cluster.getSnapshotIntervalBytes().toBytes());
        node.electionTimeout(cluster.getElectionTimeout());
        return node;
    }

    @Bean(destroyMethod = "close")
    ClusterTopics clusterTopics(ReplicationNode node) {
        return new ClusterTopics(node, Clock.systemUTC(), Set.of(OffsetRecords.TOPIC));
    }

    /** A group's coordinator is the leader of its offsets partition's Raft group. */
    @Bean
    CoordinatorLeadership coordinatorLeadership(ReplicationNode node) {
        return new OffsetsLeadership(node);
    }

    @Bean
    OffsetAppender offsetAppender() {
        return new ReplicatedOffsetAppender();
    }

    @Bean(destroyMethod = "close")
    RequestForwarder requestForwarder(ReplicationNode node, HttpLimits limits) {
        return new RequestForwarder(node.self().id(), limits.maxRequestBytes());
    }

    @Bean
    CoordinatorForwardFilter coordinatorForwardFilter(ReplicationNode node, OffsetStore offsets,
                                                      CoordinatorLeadership leadership, RequestForwarder forwarder,
                                                      HttpLimits limits) {
        return new CoordinatorForwardFilter(node, offsets, leadership, forwarder, limits.maxWait());
    }

    /**
     * Takes the offset store first: it reads the offsets partitions and then follows their appends, which the Raft
     * server makes once started (replaying what followed its last snapshot); an append made during that read
     * could be missed. Depending on it also stops the Raft server before the store stops following.
     */
    @Bean(destroyMethod = "close")
    ClusterStart clusterStart(ClusterTopics topics, TopicRegistry registry, ReplicationNode node,
                              OffsetStore offsets) throws IOException {
        topics.start(registry);
        return new ClusterStart(topics, node);
    }

    /** Started once the Raft server runs: a member of a group it hosts may need the leader to step down. */
    @Bean(destroyMethod = "close")
    StalledFollowerRescue stalledFollowerRescue(ReplicationNode node, ClusterStart started) {
        StalledFollowerRescue rescue = new StalledFollowerRescue(node, STALLED_FOLLOWER_PATIENCE, System::nanoTime);
        rescue.start();
        return rescue;
    }

    @Bean
    ClusterStatus clusterStatus(ReplicationNode node, TopicRegistry registry, ClusterTopics topics) {
        return new ClusterStatus(node, registry, topics);
    }

    @Bean
    ProduceRedirectFilter produceRedirectFilter(ReplicationNode node, TopicRegistry registry) {
        return new ProduceRedirectFilter(node, registry);
    }

    @Bean("cluster")
    ClusterHealthIndicator clusterHealthIndicator(ClusterStatus status) {
        return new ClusterHealthIndicator(status);
    }

    /**
     * The running Raft server. It depends on the registry, so it is destroyed before the registry and the engine:
     * no entry is applied to a closed log.
     */
    static final class ClusterStart implements AutoCloseable {
        private final ClusterTopics topics;
        private final ReplicationNode node;

        ClusterStart(ClusterTopics topics, ReplicationNode node) {
            this.topics = topics;
            this.node = node;
        }

        @Override
        public void close() throws IOException {
            topics.close();
            node.close();
        }
    }
}
