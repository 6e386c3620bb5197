package dev.backbone.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backbone.server.group.CommittedOffset;
import dev.backbone.server.group.GroupCoordinator;
import dev.backbone.server.group.GroupService;
import dev.backbone.server.group.GroupSettings;
import dev.backbone.server.group.MemberAssignment;
import dev.backbone.server.group.OffsetCommit;
import dev.backbone.server.group.OffsetRecords;
import dev.backbone.server.group.OffsetStore;
import dev.backbone.server.log.LogConfig;
import dev.backbone.server.log.LogManager;
import dev.backbone.server.log.LogManagerOptions;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import dev.backbone.server.replication.ClusterPeers;
import dev.backbone.server.replication.ClusterTopics;
import dev.backbone.server.replication.LeaderChangedException;
import dev.backbone.server.replication.RaftGroupIds;
import dev.backbone.server.replication.ReplicatedPartitionLog;
import dev.backbone.server.replication.ReplicationNode;
import dev.backbone.server.testing.Await;
import dev.backbone.server.topic.Topic;
import dev.backbone.server.topic.TopicRegistry;
import dev.backbone.server.topic.TopicRegistryOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offsets topic of a broker in a cluster (here a cluster of one, with a real Ratis server): it is created
 * locally yet replicated, its partition's Raft group is started, the broker coordinates in the group's current
 * term, a commit made in that term is applied and seen by the store, and a commit proposed in an earlier term (as
 * a deposed coordinator would) is refused by apply with {@link LeaderChangedException}, leaving the log as it was.
 */
class ReplicatedOffsetCommitTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);

    @TempDir
    Path dir;

    @Test
    void aCommitIsAppliedInTheCoordinatorsTermAndRefusedInAnEarlierOne() throws Exception {
        ClusterPeers peers = ClusterPeers.parse("b0=127.0.0.1:" + freePort() + ":" + freePort());
        LogManager logs = new LogManager(dir.resolve("data"), LogManagerOptions.DEFAULT);
        try (ReplicationNode node = new ReplicationNode(peers, "b0", 1, Duration.ofSeconds(5), dir.resolve("raft"),
                512); ClusterTopics topics = new ClusterTopics(node, Clock.systemUTC(), Set.of(OffsetRecords.TOPIC))) {
            TopicRegistry registry = new TopicRegistry(logs, new TopicRegistryOptions(false, 1, 16,
                    LogConfig.DEFAULT), topics);
            topics.start(registry);
            Topic offsets = registry.findOrCreate(OffsetRecords.TOPIC, 1, Map.of());
            PartitionLog offsetsLog = offsets.partition(0);
            assertThat(offsetsLog).isInstanceOf(ReplicatedPartitionLog.class);
            OffsetsLeadership leadership = new OffsetsLeadership(node);
            Await.until(() -> leadership.term(0).isPresent(), "the offsets partition's group leading", TIMEOUT);
            registry.create("orders", 1, Map.of());
            Await.until(() -> node.leader(RaftGroupIds.partition(ORDERS_0))
                    .isPresent(), "the orders partition's group leading", TIMEOUT);

            GroupCoordinator coordinator = new GroupCoordinator(Clock.systemUTC(),
                    GroupService.partitionCounts(registry), GroupSettings.DEFAULT);
            OffsetStore store = OffsetStore.open(offsets.partitions(), coordinator, Clock.systemUTC(), leadership,
                    new ReplicatedOffsetAppender());
            MemberAssignment member = coordinator.join("billing", List.of("orders"), null);
            long term = leadership.term(0).getAsLong();

            store.commit(commit(member, 0), term);
            assertThat(store.committed("billing", ORDERS_0)).map(CommittedOffset::offset).contains(0L);
            long end = offsetsLog.logEndOffset();

            assertThatThrownBy(() -> store.commit(commit(member, 0), term - 1))
                    .isInstanceOf(LeaderChangedException.class)
                    .hasMessageContaining("term " + (term - 1));
            assertThat(offsetsLog.logEndOffset()).as("nothing appended").isEqualTo(end);
            assertThat(leadership.term(0)).isEqualTo(OptionalLong.of(term));
            store.close();
        } finally {
            logs.close();
        }
    }

    private static OffsetCommit commit(MemberAssignment member, long offset) {
        return new OffsetCommit("billing", member.memberId(), member.generation(),
                List.of(new OffsetCommit.PartitionOffset(ORDERS_0, offset, "")));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
