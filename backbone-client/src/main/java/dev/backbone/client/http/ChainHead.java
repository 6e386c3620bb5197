package dev.backbone.client.http;

/**
 * The newest link of a partition's audit chain: record it somewhere the broker's operators cannot rewrite, and
 * later verify with it as a claim.
 *
 * @param topic     the topic
 * @param partition the partition
 * @param offset    the last offset the head covers, -1 for an empty chain
 * @param hash      the head link, 64 lower-case hex digits
 * @param batches   batches from the log start (or the anchor) to the head
 */
public record ChainHead(String topic, int partition, long offset, String hash, long batches) {
}
