package dev.backbone.replication.support;

import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands every test class of a run the same three-broker cluster, started once (three JVMs starting cost tens of
 * seconds on a loaded two-core machine) and closed when the run ends. It runs in network namespaces where this
 * process may create them (root, {@code ip}, {@code iptables}), on loopback otherwise.
 *
 * <p>Each class receives the cluster restored to health: faults healed, paused brokers resumed, dead brokers
 * restarted, every broker ready. A class that breaks the cluster in a way this cannot repair fails the classes after
 * it, which then say which broker would not come back.
 *
 * <p>Usage: {@code @ExtendWith(SharedCluster.class)} and a {@code BrokerCluster} parameter on a {@code @BeforeAll}
 * method of a {@code PER_CLASS} test.
 *
 * <p>Thread safety: JUnit calls it from one thread.
 */
public final class SharedCluster implements ParameterResolver {

    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(SharedCluster.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == BrokerCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        BrokerCluster cluster = context.getRoot().getStore(STORE).computeIfAbsent("cluster", key ->
                BrokerCluster.builder("shared").size(3).network(NetworkNamespaces.available()
                        ? BrokerCluster.Network.NAMESPACES : BrokerCluster.Network.LOOPBACK).start(),
                BrokerCluster.class);
        restore(cluster);
        return cluster;
    }

    /** Heals the network, resumes and restarts brokers, and waits until all are ready. */
    static void restore(BrokerCluster cluster) {
        if (cluster.hasNetworkFaults()) {
            cluster.network().heal();
        }
        for (BrokerNode node : cluster.nodes()) {
            if (node.isAlive()) {
                node.resume();
            }
        }
        List<BrokerNode> dead = cluster.nodes().stream().filter(n -> !n.isAlive()).toList();
        dead.forEach(BrokerNode::start);
        cluster.awaitAllReady(BrokerCluster.READY_TIMEOUT);
    }
}
