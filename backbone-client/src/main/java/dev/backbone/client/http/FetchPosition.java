package dev.backbone.client.http;

/**
 * Where a group fetch starts in one partition, overriding the committed offset.
 *
 * @param topic     the topic
 * @param partition a partition the member owns
 * @param offset    the offset to start at
 */
public record FetchPosition(String topic, int partition, long offset) {
}
