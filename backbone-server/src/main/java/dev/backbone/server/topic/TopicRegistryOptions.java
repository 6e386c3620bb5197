package dev.backbone.server.topic;

import dev.backbone.server.log.LogConfig;

/**
 * How the registry creates topics.
 *
 * @param autoCreate        whether producing to a missing topic creates it
 * @param defaultPartitions partitions of an auto-created topic
 * @param maxPartitions     the most partitions one topic may have
 * @param defaultLogConfig  the config of a topic that sets nothing itself
 */
public record TopicRegistryOptions(boolean autoCreate, int defaultPartitions, int maxPartitions,
                                   LogConfig defaultLogConfig) {

    public TopicRegistryOptions {
        if (defaultPartitions < 1 || defaultPartitions > maxPartitions) {
            throw new IllegalArgumentException("defaultPartitions must be between 1 and maxPartitions ("
                    + maxPartitions + "), was " + defaultPartitions);
        }
        if (defaultLogConfig == null) {
            throw new IllegalArgumentException("defaultLogConfig must be set");
        }
    }
}
