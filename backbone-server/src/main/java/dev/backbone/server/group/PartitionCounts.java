package dev.backbone.server.group;

/**
 * Where the coordinator learns how many partitions a topic has, so that a topic created, deleted or resized after
 * members joined starts a new generation.
 *
 * <p>Implementations must be thread-safe and quick: the coordinator asks on every group operation.
 */
@FunctionalInterface
public interface PartitionCounts {

    /** The topic's partition count, or 0 when the topic does not exist. */
    int partitionCount(String topic);
}
