package dev.backbone.server.metrics;

import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.topic.Topic;
import dev.backbone.server.topic.TopicListener;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-partition gauges, following topics as they come and go: {@code backbone_log_end_offset},
 * {@code backbone_log_start_offset} and {@code backbone_log_size_bytes}, tagged {@code topic} and
 * {@code partition}. Each gauge reads the log's own volatile fields at scrape time, so appends pay nothing.
 *
 * <p>Thread safety: thread-safe.
 */
public final class PartitionMetrics implements TopicListener {

    public static final String LOG_END_OFFSET = "backbone.log.end.offset";
    public static final String LOG_START_OFFSET = "backbone.log.start.offset";
    public static final String LOG_SIZE = "backbone.log.size";

    private final MeterRegistry registry;
    private final BackboneMetrics metrics;
    private final Map<String, List<Meter>> meters = new ConcurrentHashMap<>();

    public PartitionMetrics(MeterRegistry registry, BackboneMetrics metrics) {
        this.registry = registry;
        this.metrics = metrics;
    }

    @Override
    public void topicCreated(Topic topic) {
        List<Meter> created = new ArrayList<>();
        for (PartitionLog log : topic.partitions()) {
            String partition = Integer.toString(log.topicPartition().partition());
            created.add(Gauge.builder(LOG_END_OFFSET, log, PartitionLog::logEndOffset)
                    .tags("topic", topic.name(), "partition", partition)
                    .description("One past the last visible offset").register(registry));
            created.add(Gauge.builder(LOG_START_OFFSET, log, PartitionLog::logStartOffset)
                    .tags("topic", topic.name(), "partition", partition)
                    .description("The first offset still in the log").register(registry));
            created.add(Gauge.builder(LOG_SIZE, log, PartitionLog::sizeBytes).baseUnit("bytes")
                    .tags("topic", topic.name(), "partition", partition)
                    .description("Bytes in the partition's segment files").register(registry));
        }
        meters.put(topic.name(), created);
    }

    @Override
    public void topicDeleted(String name) {
        List<Meter> removed = meters.remove(name);
        if (removed != null) {
            removed.forEach(registry::remove);
        }
        metrics.removeTopic(name);
    }
}
