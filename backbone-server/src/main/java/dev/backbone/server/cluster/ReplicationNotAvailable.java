package dev.backbone.server.cluster;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Configuration;

/**
 * Stops a broker that is given a peer list: this version has no replicated partitions yet, and a broker that ignored
 * {@code backbone.cluster.peers} would run as one of several separate brokers with separate data behind one address,
 * each acknowledging writes the others never see. Failing the start says so where the operator looks.
 *
 * <p>Thread safety: constructed once, holds nothing.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "backbone.cluster", name = "peers")
public class ReplicationNotAvailable {

    static final String MESSAGE = "backbone.cluster.peers is set, but this version of the broker does not replicate"
            + " partitions yet (docs/REPLICATION.md). Unset backbone.cluster.peers (and backbone.cluster.node-id)"
            + " to run a single broker.";

    public ReplicationNotAvailable() {
        throw new IllegalStateException(MESSAGE);
    }
}
