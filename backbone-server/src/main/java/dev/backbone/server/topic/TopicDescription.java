package dev.backbone.server.topic;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A topic as {@code GET /v1/topics/{topic}} shows it.
 *
 * @param name       the topic name
 * @param internal   whether it is one of the broker's own topics ({@code __} prefix)
 * @param partitions every partition in number order
 * @param config     the effective config, defaults included
 */
public record TopicDescription(String name, boolean internal, List<PartitionDescription> partitions,
                               Map<String, String> config) {

    public TopicDescription {
        partitions = List.copyOf(partitions);
        config = Collections.unmodifiableMap(new TreeMap<>(config));
    }

    public int partitionCount() {
        return partitions.size();
    }
}
