package dev.backbone.client.http;

/**
 * One partition of a {@link TopicInfo}.
 *
 * @param partition   its number, from 0
 * @param startOffset the first offset still kept
 * @param endOffset   one past the last record
 * @param sizeBytes   bytes of its segments on disk
 */
public record PartitionInfo(int partition, long startOffset, long endOffset, long sizeBytes) {
}
