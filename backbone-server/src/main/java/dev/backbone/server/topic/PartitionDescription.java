package dev.backbone.server.topic;

/**
 * A partition's state at the moment it was described.
 *
 * @param partition   the partition number
 * @param startOffset the first offset still in the log
 * @param endOffset   one past the last visible offset
 * @param sizeBytes   bytes in all its segment files
 */
public record PartitionDescription(int partition, long startOffset, long endOffset, long sizeBytes) {
}
