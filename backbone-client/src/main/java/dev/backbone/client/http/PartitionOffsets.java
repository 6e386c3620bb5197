package dev.backbone.client.http;

/**
 * The bounds of a partition's log.
 *
 * @param partition   the partition
 * @param startOffset the first offset still kept
 * @param endOffset   one past the last record: where the next one goes
 */
public record PartitionOffsets(int partition, long startOffset, long endOffset) {
}
