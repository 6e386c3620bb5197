package dev.backbone.replication.support;

import dev.backbone.checks.support.Deadline;
import dev.backbone.checks.support.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * N broker processes on this machine forming one cluster: each the broker's executable jar with its own data
 * directory, its own ports, and the cluster properties ({@code backbone.cluster.node-id}, {@code peers}). On
 * {@link Network#LOOPBACK} every broker binds 127.0.0.1 on free ports; on {@link Network#NAMESPACES} every broker
 * runs in its own network namespace ({@link NetworkNamespaces}) on fixed ports of its own address, so that the
 * network between brokers can be cut.
 *
 * <p>{@link #close()} stops every broker, deletes the namespaces and the data directories, and keeps the brokers'
 * logs under {@code replication-checks/target/broker-logs/} for the failure's post-mortem.
 *
 * <p>Thread safety: not thread-safe, except the per-node fault methods (see {@link BrokerNode}).
 */
public final class BrokerCluster implements AutoCloseable {

    /** Where the brokers' sockets live. */
    public enum Network {
        /** 127.0.0.1, free ports: runs anywhere, no network faults. */
        LOOPBACK,
        /** One network namespace per broker: needs root, {@code ip} and {@code iptables}; network faults. */
        NAMESPACES
    }

    /**
     * The default wait for a broker's readiness: JVM start, log recovery, Raft election. Generous, because on a
     * two-core machine shared with other builds three brokers starting at once have taken over two minutes.
     */
    public static final Duration READY_TIMEOUT = Duration.ofSeconds(240);

    /** JVM options for brokers under functional tests: quick start, little memory, few GC threads. */
    public static final List<String> TEST_JVM = List.of("-Xmx512m", "-Xss512k", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1");

    static final int NAMESPACE_HTTP_PORT = 8080;
    static final int NAMESPACE_RAFT_PORT = 9870;

    private final List<BrokerNode> nodes;
    private final NetworkNamespaces namespaces;
    private final Path dataRoot;
    private final Path logDirectory;

    private BrokerCluster(List<BrokerNode> nodes, NetworkNamespaces namespaces, Path dataRoot, Path logDirectory) {
        this.nodes = List.copyOf(nodes);
        this.namespaces = namespaces;
        this.dataRoot = dataRoot;
        this.logDirectory = logDirectory;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public List<BrokerNode> nodes() {
        return nodes;
    }

    public BrokerNode node(int index) {
        return nodes.get(index);
    }

    /** The node with this id. */
    public BrokerNode node(String id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No node " + id + " in " + nodes));
    }

    public int indexOf(BrokerNode node) {
        return nodes.indexOf(node);
    }

    /** The namespaces, on {@link Network#NAMESPACES}; fails on loopback, where the network cannot fail. */
    public NetworkNamespaces network() {
        if (namespaces == null) {
            throw new IllegalStateException("This cluster runs on loopback: no network faults");
        }
        return namespaces;
    }

    /** Whether the brokers run in network namespaces, so that {@link #network()} can inject faults. */
    public boolean hasNetworkFaults() {
        return namespaces != null;
    }

    public Path logDirectory() {
        return logDirectory;
    }

    /** Waits until every live broker is ready. */
    public void awaitAllReady(Duration timeout) {
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (BrokerNode node : nodes) {
            if (node.isAlive()) {
                waits.add(CompletableFuture.runAsync(() -> node.awaitReady(timeout)));
            }
        }
        try {
            CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof AssertionError a ? a : new AssertionError(e.getCause());
        }
    }

    /**
     * Whether the brokers replicate: some broker answers {@code GET /v1/cluster} with its node id. A broker running
     * alone answers 404 there.
     */
    public boolean replicates() {
        return nodes.stream().filter(BrokerNode::isAlive)
                .map(node -> ClusterView.of(node, Http.DEFAULT_TIMEOUT))
                .anyMatch(view -> view.map(ClusterView::replicated).orElse(false));
    }

    /** Fails the calling test unless the brokers replicate ({@link #replicates()}). */
    public void requireReplication() {
        if (!replicates()) {
            throw new AssertionError("The brokers do not replicate: no broker answers GET /v1/cluster with its node id");
        }
    }

    /**
     * The leader of a partition that a live broker reports and that is itself alive and agrees that it leads;
     * waits for one until {@code timeout}.
     */
    public BrokerNode awaitLeader(String topic, int partition, Duration timeout) {
        return Deadline.await("a leader of " + topic + "-" + partition, timeout, () -> {
            for (BrokerNode asked : nodes) {
                if (!asked.isAlive()) {
                    continue;
                }
                Optional<String> leader = ClusterView.of(asked, Duration.ofSeconds(2))
                        .flatMap(v -> v.partition(topic, partition)).map(ClusterView.PartitionState::leader);
                if (leader.isPresent() && node(leader.get()).isAlive() && leader.equals(
                        ClusterView.of(node(leader.get()), Duration.ofSeconds(2)).flatMap(v -> v.partition(topic,
                                partition)).map(ClusterView.PartitionState::leader))) {
                    return Optional.of(node(leader.get()));
                }
            }
            return Optional.empty();
        });
    }

    /** Heals the network, resumes paused brokers, restarts dead ones, and waits until every broker is ready. */
    public void restoreAll() {
        if (namespaces != null) {
            namespaces.heal();
        }
        for (BrokerNode node : nodes) {
            if (node.isAlive()) {
                node.resume();
            } else {
                node.start();
            }
        }
        awaitAllReady(READY_TIMEOUT);
    }

    /** The last log lines of every broker, for an assertion message. */
    public String tails() {
        StringBuilder text = new StringBuilder();
        for (BrokerNode node : nodes) {
            text.append("\n----- ").append(node).append('\n').append(node.tail());
        }
        return text.toString();
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (BrokerNode node : nodes) {
            try {
                node.close();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (namespaces != null) {
            namespaces.close();
        }
        BrokerNode.deleteRecursively(dataRoot);
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * How to start a cluster.
     *
     * <p>Thread safety: not thread-safe.
     */
    public static final class Builder {

        private final String name;
        private int size = 3;
        private Network network = Network.LOOPBACK;
        private boolean clustered = true;
        private List<String> jvmOptions = TEST_JVM;
        private final List<String> arguments = new ArrayList<>();
        private Duration readyTimeout = READY_TIMEOUT;

        private Builder(String name) {
            this.name = name;
        }

        public Builder size(int size) {
            this.size = size;
            return this;
        }

        public Builder network(Network network) {
            this.network = network;
            return this;
        }

        /** Without the cluster properties: independent single-node brokers (the baseline of the benchmarks). */
        public Builder singleNode() {
            this.clustered = false;
            return this;
        }

        public Builder jvmOptions(List<String> options) {
            this.jvmOptions = List.copyOf(options);
            return this;
        }

        /** Extra broker arguments, {@code --property=value}, for every broker. */
        public Builder argument(String argument) {
            this.arguments.add(argument);
            return this;
        }

        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = timeout;
            return this;
        }

        /** Starts every broker at once (a Raft group needs a majority to elect) and waits until all are ready. */
        public BrokerCluster start() {
            Path dataRoot = createTempDirectory();
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss"));
            Path logs = Project.scratch("broker-logs/" + name + "-" + stamp + "-" + ProcessHandle.current().pid());
            NetworkNamespaces namespaces = network == Network.NAMESPACES ? NetworkNamespaces.create(size) : null;
            List<Peer> peers = peers(namespaces);
            List<BrokerNode> nodes = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                List<String> nodeArguments = new ArrayList<>(arguments);
                if (clustered) {
                    nodeArguments.add("--backbone.cluster.node-id=" + peers.get(i).id());
                    nodeArguments.add("--backbone.cluster.peers=" + Peer.property(peers));
                }
                nodes.add(new BrokerNode(peers.get(i), dataRoot.resolve(peers.get(i).id()), logs,
                        namespaces == null ? List.of() : namespaces.execPrefix(i), jvmOptions, nodeArguments));
            }
            BrokerCluster cluster = new BrokerCluster(nodes, namespaces, dataRoot, logs);
            try {
                nodes.forEach(BrokerNode::start);
                cluster.awaitAllReady(readyTimeout);
                return cluster;
            } catch (RuntimeException | AssertionError e) {
                String tails = cluster.tails();
                cluster.close();
                throw new AssertionError("Cluster " + name + " did not start: " + e.getMessage() + tails, e);
            }
        }

        private List<Peer> peers(NetworkNamespaces namespaces) {
            List<Peer> peers = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                peers.add(namespaces == null
                        ? new Peer("b" + i, "127.0.0.1", FreePorts.next(), FreePorts.next())
                        : new Peer("b" + i, namespaces.address(i), NAMESPACE_RAFT_PORT, NAMESPACE_HTTP_PORT));
            }
            return peers;
        }

        private static Path createTempDirectory() {
            try {
                return Files.createTempDirectory("backbone-cluster-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
