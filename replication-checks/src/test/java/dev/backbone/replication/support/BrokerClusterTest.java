package dev.backbone.replication.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.backbone.checks.support.Deadline;
import dev.backbone.replication.workload.Topics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The cluster fixture against real broker processes: they start and get ready on their own ports and data, a
 * {@code kill -9}ed broker restarts on its data, a {@code SIGSTOP}ped broker goes silent until {@code SIGCONT}, a
 * wiped data directory is empty and the broker starts on it; in network namespaces, faults cut exactly the links
 * they name while the test's clients keep reaching every broker, and healing restores all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SharedCluster.class)
class BrokerClusterTest {

    private static final Duration CONNECT = Duration.ofMillis(1500);
    private static final Set<String> ALL_LINKS = Set.of("0-1", "0-2", "1-0", "1-2", "2-0", "2-1");

    private BrokerCluster cluster;

    @BeforeAll
    void useTheSharedCluster(BrokerCluster shared) {
        this.cluster = shared;
    }

    @Test
    @Order(1)
    void everyBrokerRunsOnItsOwnAddressAndDataDirectory() {
        assertThat(cluster.nodes()).hasSize(3).allSatisfy(node -> {
            assertThat(node.isReady()).isTrue();
            assertThat(node.dataDirectory()).isDirectory();
        });
        assertThat(cluster.nodes().stream().map(n -> n.baseUrl()).distinct()).hasSize(3);
        assertThat(cluster.nodes().stream().map(BrokerNode::pid).distinct()).hasSize(3);
        assertThat(Peer.property(cluster.nodes().stream().map(BrokerNode::peer).toList()))
                .matches("b0=[0-9.]+:\\d+:\\d+,b1=[0-9.]+:\\d+:\\d+,b2=[0-9.]+:\\d+:\\d+");
    }

    @Test
    @Order(2)
    void aKilledBrokerRestartsOnItsData() {
        BrokerNode node = cluster.node(0);
        produce(node, "harness", "\"kept\"");
        long pid = node.pid();

        node.kill();

        assertThat(node.isAlive()).isFalse();
        assertThat(ProcessHandle.of(pid)).isEmpty();
        assertThatThrownBy(() -> Http.get(node.baseUrl() + "/actuator/health", Duration.ofSeconds(2)))
                .isInstanceOf(RuntimeException.class);
        node.restart(BrokerCluster.READY_TIMEOUT);
        HttpResponse<String> read = Http.get(node.baseUrl() + "/v1/topics/harness/partitions/0/records?offset=0");
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(read.body()).contains("\"kept\"");
    }

    @Test
    @Order(3)
    void aPausedBrokerIsSilentUntilResumed() {
        BrokerNode node = cluster.node(1);

        node.pause();
        try {
            assertThatThrownBy(() -> Http.get(node.baseUrl() + "/actuator/health", Duration.ofSeconds(1)))
                    .isInstanceOf(RuntimeException.class);
            assertThat(node.isAlive()).isTrue();
        } finally {
            node.resume();
        }

        // Liveness: readiness may rightly be down for a moment, while the groups that lost this broker's heartbeats
        // elect again.
        assertThat(Http.get(node.baseUrl() + "/actuator/health/liveness").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(4)
    void aWipedBrokerStartsOnAnEmptyDataDirectory() {
        BrokerNode node = cluster.node(2);
        produce(node, "wiped", "1");

        assertThatThrownBy(node::wipeDataDirectory).isInstanceOf(IllegalStateException.class);
        node.kill();
        node.wipeDataDirectory();

        assertThat(node.dataDirectory()).doesNotExist();
        node.restart(BrokerCluster.READY_TIMEOUT);
        assertThat(node.dataDirectory()).isDirectory();
        // The cluster was idle: Ratis's leaders remember what this broker had before the wipe until they step down.
        Deadline.await(node.id() + " serving again what it held before the wipe", Duration.ofSeconds(90),
                () -> Topics.endOffset(node, "wiped", 0) >= 1 ? Optional.of(true) : Optional.empty());
    }

    @Test
    @Order(5)
    void inNamespacesEveryBrokerReachesEveryOther() {
        assumeTrue(cluster.hasNetworkFaults(), "the cluster runs on loopback: no network namespaces");
        NetworkNamespaces network = cluster.network();

        assertThat(connections(network)).isEqualTo(ALL_LINKS);
        assertThat(network.address(0)).startsWith("10.").isNotEqualTo(network.address(1));
        assertThat(network.address(2)).startsWith(network.hostAddress().substring(0,
                network.hostAddress().lastIndexOf('.') + 1));
    }

    @Test
    @Order(6)
    void anIsolatedBrokerReachesNoPeerButClientsStillReachIt() {
        assumeTrue(cluster.hasNetworkFaults(), "the cluster runs on loopback: no network namespaces");
        NetworkNamespaces network = cluster.network();
        try {
            network.isolate(0);

            assertThat(connections(network)).isEqualTo(Set.of("1-2", "2-1"));
            // Liveness: readiness may rightly go down on a broker cut off from its cluster.
            assertThat(Http.get(cluster.node(0).baseUrl() + "/actuator/health/liveness").statusCode())
                    .isEqualTo(200);
        } finally {
            network.heal();
        }
    }

    @Test
    @Order(7)
    void aPartitionCutsExactlyBetweenItsSidesAndHealingRestoresAll() {
        assumeTrue(cluster.hasNetworkFaults(), "the cluster runs on loopback: no network namespaces");
        NetworkNamespaces network = cluster.network();

        network.partition(List.of(Set.of(0, 1), Set.of(2)));
        assertThat(connections(network)).isEqualTo(Set.of("0-1", "1-0"));

        network.heal();
        assertThat(connections(network)).isEqualTo(ALL_LINKS);
    }

    /**
     * Produces one record to partition 0 of {@code topic} through {@code node}, retrying while the answer is 503:
     * a topic created by this produce has no partition leader until its Raft group has elected one.
     */
    private static void produce(BrokerNode node, String topic, String jsonValue) {
        String url = node.baseUrl() + "/v1/topics/" + topic + "/partitions/0/records";
        String body = "{\"records\": [{\"value\": " + jsonValue + "}]}";
        HttpResponse<String> answer = Deadline.await("a produce to " + topic + " through " + node.id(),
                Duration.ofSeconds(60), () -> {
                    HttpResponse<String> produced = Http.postJson(url, body, Duration.ofSeconds(15),
                            "Idempotency-Key", "fixture-" + topic);
                    return produced.statusCode() == 503 ? Optional.empty() : Optional.of(produced);
                });
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }

    /** Every {@code from-to} pair of brokers where a TCP connection to the HTTP port succeeds. */
    private static Set<String> connections(NetworkNamespaces network) {
        Set<String> connected = new TreeSet<>();
        for (int from = 0; from < network.nodes(); from++) {
            for (int to = 0; to < network.nodes(); to++) {
                if (from != to && network.canConnect(from, to, BrokerCluster.NAMESPACE_HTTP_PORT, CONNECT)) {
                    connected.add(from + "-" + to);
                }
            }
        }
        return connected;
    }
}
