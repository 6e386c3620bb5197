package dev.backbone.server.metrics;

import dev.backbone.server.group.GroupDescription;
import dev.backbone.server.group.GroupService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code backbone_group_lag} (tags {@code group}, {@code topic}, {@code partition}): records of a partition the
 * group has not consumed yet, as {@code GET /v1/groups/{group}} reports it. Recomputed by {@link #refresh()} on a
 * fixed interval rather than per scrape, since it walks every group; rows of vanished groups and partitions are
 * removed at the next refresh.
 *
 * <p>Thread safety: thread-safe; refreshes are serialized.
 */
public final class GroupLagMetrics {

    public static final String GROUP_LAG = "backbone.group.lag";

    private final GroupService groups;
    private final MultiGauge lag;

    public GroupLagMetrics(MeterRegistry registry, GroupService groups) {
        this.groups = groups;
        this.lag = MultiGauge.builder(GROUP_LAG)
                .description("Records of the partition the consumer group has not consumed yet")
                .register(registry);
    }

    /** Recomputes every group's lag. */
    public synchronized void refresh() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (GroupDescription group : groups.list()) {
            for (GroupDescription.PartitionLag p : group.partitions()) {
                rows.add(MultiGauge.Row.of(Tags.of("group", group.group(), "topic", p.topic(),
                        "partition", Integer.toString(p.partition())), p.lag()));
            }
        }
        lag.register(rows, true);
    }
}
