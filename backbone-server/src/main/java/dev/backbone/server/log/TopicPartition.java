package dev.backbone.server.log;

import java.util.Objects;

/** A topic name and a partition number; names the partition's directory {@code <topic>-<partition>}. */
public record TopicPartition(String topic, int partition) {

    public TopicPartition {
        Objects.requireNonNull(topic, "topic");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, was " + partition);
        }
    }

    /** The directory name under the data directory. */
    public String directoryName() {
        return topic + "-" + partition;
    }

    @Override
    public String toString() {
        return directoryName();
    }
}
