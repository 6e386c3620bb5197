package dev.backbone.server.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker's Raft client of a group whose requests ran out of retries (no leader for longer than they last) is
 * replaced: once the group has a leader again, a request through the same broker is committed. Ratis's
 * ordered client fails every later request for good after such a failure, so without the replacement that broker
 * would answer 503 for the group until restarted. Two real brokers' Raft servers on 127.0.0.1, the second started
 * only after the first request failed, so the two-member metadata group has no majority until then.
 */
class RaftClientRecoveryTest {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    @Test
    void aClientThatRanOutOfRetriesIsReplacedAndTheNextRequestIsCommitted() throws Exception {
        ClusterPeers peers = ClusterPeers.parse("b0=127.0.0.1:" + freePort() + ":1,b1=127.0.0.1:" + freePort() + ":2");
        RecordingApplier applied0 = new RecordingApplier();
        RecordingApplier applied1 = new RecordingApplier();
        try (ReplicationNode b0 = node(peers, "b0", applied0); ReplicationNode b1 = node(peers, "b1", applied1)) {
            start(b0, applied0, "b0");
            assertThatThrownBy(() -> propose(b0, "first")).isInstanceOf(NoLeaderException.class);
            // The client retries on after the request timed out; let it run out of retries (about 15 quick
            // attempts: b0 answers that it does not lead, b1 refuses the connection).
            Thread.sleep(8_000);

            start(b1, applied1, "b1");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                try {
                    propose(b0, "after");
                    break;
                } catch (NoLeaderException e) {
                    assertThat(System.nanoTime() - deadline).as("committed within 60 s of a majority").isNegative();
                }
            }
            // The leader answered once it applied the change; the follower applies it a moment later.
            while (!(applied0.names().contains("after") && applied1.names().contains("after"))) {
                assertThat(System.nanoTime() - deadline).as("applied on both within 60 s").isNegative();
                Thread.sleep(10);
            }
            assertThat(applied0.names()).as("what ran out of retries was never committed").doesNotContain("first");
        }
    }

    private ReplicationNode node(ClusterPeers peers, String id, RecordingApplier applier) {
        return new ReplicationNode(peers, id, 2, REQUEST_TIMEOUT, dir.resolve(id), 512);
    }

    private void start(ReplicationNode node, RecordingApplier applier, String id) throws IOException {
        node.start(new MetadataStateMachine(applier, dir.resolve(id + "-applied")), tp -> Optional.empty());
    }

    private static void propose(ReplicationNode node, String name) {
        try {
            ByteBuffer reply = node.submit(RaftGroupIds.METADATA, node.peers().all(), "the metadata",
                    new TopicChange(TopicChange.Kind.CREATE, name, 1, Map.of()).encode()).join();
            assertThat(reply.get(reply.position())).isEqualTo(MetadataStateMachine.CHANGED);
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Remembers the names of the topics created; nothing else. */
    private static final class RecordingApplier implements TopicChangeApplier {
        private final List<String> names = new CopyOnWriteArrayList<>();

        @Override
        public boolean apply(TopicChange change) {
            names.add(change.name());
            return true;
        }

        @Override
        public List<TopicChange> snapshot() {
            return List.of();
        }

        @Override
        public void restore(List<TopicChange> topics) {
        }

        List<String> names() {
            return names;
        }
    }
}
