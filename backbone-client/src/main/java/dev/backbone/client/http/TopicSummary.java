package dev.backbone.client.http;

/**
 * One entry of the topic list.
 *
 * @param name       the topic name
 * @param partitions its partition count
 * @param internal   true for the broker's own {@code __} topics
 */
public record TopicSummary(String name, int partitions, boolean internal) {
}
