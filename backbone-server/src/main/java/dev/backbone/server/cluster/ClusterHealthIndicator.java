package dev.backbone.server.cluster;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code cluster} health component, part of the readiness group: UP when this broker knows a metadata leader
 * and has applied the metadata it knows to be committed (within a few entries), so it knows the topics a request
 * may name.
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborator.
 */
public final class ClusterHealthIndicator extends AbstractHealthIndicator {

    private final ClusterStatus status;

    public ClusterHealthIndicator(ClusterStatus status) {
        super("cluster health check failed");
        this.status = status;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        String leader = status.metadataLeader().map(p -> p.id()).orElse(null);
        boolean caughtUp = status.metadataCaughtUp();
        (leader != null && caughtUp ? builder.up() : builder.down())
                .withDetail("nodeId", status.node().self().id())
                .withDetail("metadataLeader", leader == null ? "none" : leader)
                .withDetail("metadataCaughtUp", caughtUp);
    }
}
