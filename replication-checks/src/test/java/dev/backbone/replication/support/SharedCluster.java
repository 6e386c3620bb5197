package dev.backbone.replication.support;

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

    /**
     * Snapshots (after which Ratis purges the Raft log) every few megabytes of entries, not every 16 as by default:
     * the tests' smaller volumes then exercise purging, and followers that lag or restart install snapshots.
     */
    public static final int SNAPSHOT_INTERVAL_MEGABYTES = 4;

    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(SharedCluster.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == BrokerCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Started started = context.getRoot().getStore(STORE).computeIfAbsent("cluster", key -> start(),
                Started.class);
        if (started.failure() != null) {
            throw new AssertionError("The shared cluster did not start (see the first class that asked for it)",
                    started.failure());
        }
        started.cluster().restoreAll();
        return started.cluster();
    }

    private static Started start() {
        try {
            return new Started(BrokerCluster.builder("shared").size(3).network(NetworkNamespaces.available()
                    ? BrokerCluster.Network.NAMESPACES : BrokerCluster.Network.LOOPBACK)
                    .argument("--backbone.cluster.snapshot-interval-bytes=" + SNAPSHOT_INTERVAL_MEGABYTES + "MB")
                    .start(), null);
        } catch (RuntimeException | AssertionError e) {
            return new Started(null, e);
        }
    }

    /**
     * The cluster, or why it could not start: remembered either way, so that a cluster that cannot start fails
     * every class at once instead of each waiting for its own attempt. Closed with the run's root store.
     */
    private record Started(BrokerCluster cluster, Throwable failure) implements AutoCloseable {

        @Override
        public void close() {
            if (cluster != null) {
                cluster.close();
            }
        }
    }
}
