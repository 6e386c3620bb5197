package dev.backbone.server.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.server.testing.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metadata group of three real Ratis servers in one JVM, snapshotting (and so purging) every 10 changes: a
 * member stopped while topics are created and deleted lacks purged changes when it returns, installs the leader's
 * snapshot and ends with exactly the leader's topics.
 */
class MetadataSnapshotInstallTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final List<String> IDS = List.of("m0", "m1", "m2");

    @TempDir
    Path dir;

    private final Map<String, RaftServer> servers = new LinkedHashMap<>();
    private final Map<String, Topics> topics = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();

    /** A broker's replicated topics, by name, as the applier keeps them. */
    private static final class Topics implements TopicChangeApplier {
        private final Map<String, TopicChange> byName = new TreeMap<>();

        @Override
        public synchronized boolean apply(TopicChange change) {
            return switch (change.kind()) {
                case CREATE -> byName.putIfAbsent(change.name(), change) == null;
                case DELETE -> byName.remove(change.name()) != null;
                case CONFIG -> byName.computeIfPresent(change.name(), (name, old) -> new TopicChange(
                        TopicChange.Kind.CREATE, name, old.partitions(), change.overrides())) != null;
            };
        }

        @Override
        public synchronized List<TopicChange> snapshot() {
            return new ArrayList<>(byName.values());
        }

        @Override
        public synchronized void restore(List<TopicChange> restored) {
            byName.clear();
            restored.forEach(change -> byName.put(change.name(), change));
        }

        synchronized Map<String, TopicChange> view() {
            return new TreeMap<>(byName);
        }
    }

    @AfterEach
    void closeAll() throws IOException {
        for (RaftServer server : servers.values()) {
            server.close();
        }
    }

    @Test
    void aMemberLackingPurgedChangesInstallsTheLeadersTopics() throws Exception {
        for (String id : IDS) {
            ports.put(id, freePort());
            topics.put(id, new Topics());
        }
        for (String id : IDS) {
            servers.put(id, start(id));
        }
        try (RaftClient client = RaftClient.newBuilder().setProperties(RaftSettings.client(TIMEOUT))
                .setRaftGroup(group()).build()) {
            change(client, 0, 5);
            servers.remove("m2").close();
            change(client, 5, 60);
            assertThat(servers.get("m0").getDivision(RaftGroupIds.METADATA).getRaftLog().getStartIndex())
                    .as("first index the survivors' Raft log still holds").isGreaterThan(10);

            servers.put("m2", start("m2"));
            Await.until(() -> topics.get("m2").view().equals(topics.get("m0").view()),
                    "m2 holds the topics m0 holds", Duration.ofSeconds(60));
            assertThat(topics.get("m2").view()).hasSize(topics.get("m1").view().size()).isNotEmpty();
            assertThat(servers.get("m2").getDivision(RaftGroupIds.METADATA).getStateMachine()
                    .getLatestSnapshot().getIndex()).as("m2 took the leader's snapshot").isGreaterThan(10);
        }
    }

    /** Creates topics {@code from} to {@code to - 1}, deleting every third one after it. */
    private static void change(RaftClient client, int from, int to) throws IOException {
        for (int i = from; i < to; i++) {
            send(client, new TopicChange(TopicChange.Kind.CREATE, "t" + i, 1 + i % 3, Map.of()));
            if (i % 3 == 0) {
                send(client, new TopicChange(TopicChange.Kind.DELETE, "t" + i, 0, Map.of()));
            }
        }
    }

    private static void send(RaftClient client, TopicChange change) throws IOException {
        RaftClientReply reply = client.io().send(Message.valueOf(change.encode()));
        assertThat(reply.isSuccess()).as("reply %s", reply).isTrue();
    }

    private RaftServer start(String id) throws IOException {
        Path base = dir.resolve(id);
        ClusterPeer self = ClusterPeers.parse(id + "=127.0.0.1:" + ports.get(id) + ":1").require(id);
        RaftProperties properties = RaftSettings.server(base.resolve("raft"), self, TIMEOUT,
                RaftSettings.DEFAULT_ELECTION_TIMEOUT, 10);
        RaftServerConfigKeys.Log.setSegmentSizeMax(properties, SizeInBytes.valueOf("1KB"));
        RaftServerConfigKeys.Log.setPreallocatedSize(properties, SizeInBytes.valueOf("1KB"));
        RaftServer server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(id))
                .setGroup(group())
                .setStateMachine(new MetadataStateMachine(topics.get(id), base.resolve("metadata-applied")))
                .setProperties(properties)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        server.start();
        return server;
    }

    private RaftGroup group() {
        return RaftGroup.valueOf(RaftGroupIds.METADATA, IDS.stream()
                .map(id -> RaftPeer.newBuilder().setId(id).setAddress("127.0.0.1:" + ports.get(id)).build())
                .toList());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
