package dev.backbone.client.http;

import java.util.List;
import java.util.Map;

/**
 * A topic as {@code GET /v1/topics/{topic}} describes it.
 *
 * @param name       the topic name
 * @param internal   true for the broker's own {@code __} topics
 * @param partitions every partition with its offsets and size
 * @param config     every effective setting, defaults included, as text
 */
public record TopicInfo(String name, boolean internal, List<PartitionInfo> partitions, Map<String, String> config) {

    public TopicInfo {
        partitions = List.copyOf(partitions);
        config = Map.copyOf(config);
    }

    /** The number of partitions. */
    public int partitionCount() {
        return partitions.size();
    }
}
