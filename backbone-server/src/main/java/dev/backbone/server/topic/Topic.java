package dev.backbone.server.topic;

import dev.backbone.server.log.PartitionLog;
import java.util.List;

/**
 * A named topic: its partitions' logs and its config. A config change or a deletion replaces or removes the
 * instance in the {@link TopicRegistry}; an instance never changes.
 *
 * <p>Thread safety: immutable; the logs it hands out are themselves thread-safe.
 */
public final class Topic {

    private final String name;
    private final TopicConfig config;
    private final List<PartitionLog> partitions;

    Topic(String name, TopicConfig config, List<PartitionLog> partitions) {
        this.name = name;
        this.config = config;
        this.partitions = List.copyOf(partitions);
    }

    public String name() {
        return name;
    }

    public int partitionCount() {
        return partitions.size();
    }

    /** @throws UnknownPartitionException when {@code partition} is not in {@code [0, partitionCount)} */
    public PartitionLog partition(int partition) {
        if (partition < 0 || partition >= partitions.size()) {
            throw new UnknownPartitionException(name, partition, partitions.size());
        }
        return partitions.get(partition);
    }

    /** The partitions in number order. */
    public List<PartitionLog> partitions() {
        return partitions;
    }

    public TopicConfig config() {
        return config;
    }

    public boolean isInternal() {
        return TopicNames.isInternal(name);
    }

    @Override
    public String toString() {
        return "Topic[" + name + ", " + partitions.size() + " partitions]";
    }
}
