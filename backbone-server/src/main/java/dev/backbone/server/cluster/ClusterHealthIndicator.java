package dev.backbone.server.cluster;

import dev.backbone.server.log.TopicPartition;
import java.util.List;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code cluster} health component, part of the readiness group: UP when this broker knows a metadata leader
 * and has applied the metadata it knows to be committed (within a few entries), so it knows the topics a request
 * may name, and no partition it replicates is far behind its leader. The last is what lets a rolling restart wait
 * for a restarted broker to catch up before it stops the next: a partition whose other follower is still far behind
 * cannot commit until that follower catches up, so writes would stop when its leader goes.
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborator.
 */
public final class ClusterHealthIndicator extends AbstractHealthIndicator {

    /** The health answer names at most this many partitions that are behind; the count says how many there are. */
    private static final int MAX_NAMED = 20;

    private final ClusterStatus status;

    public ClusterHealthIndicator(ClusterStatus status) {
        super("cluster health check failed");
        this.status = status;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        String leader = status.metadataLeader().map(p -> p.id()).orElse(null);
        boolean caughtUp = status.metadataCaughtUp();
        List<String> behind = status.partitionsBehind().stream().map(TopicPartition::toString).toList();
        (leader != null && caughtUp && behind.isEmpty() ? builder.up() : builder.down())
                .withDetail("nodeId", status.node().self().id())
                .withDetail("metadataLeader", leader == null ? "none" : leader)
                .withDetail("metadataCaughtUp", caughtUp)
                .withDetail("partitionsBehind", behind.size() > MAX_NAMED ? behind.subList(0, MAX_NAMED) : behind)
                .withDetail("partitionsBehindCount", behind.size());
    }
}
