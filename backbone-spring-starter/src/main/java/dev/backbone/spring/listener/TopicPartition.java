package dev.backbone.spring.listener;

/**
 * A partition of a topic, as a map key.
 *
 * @param topic     the topic
 * @param partition the partition
 */
record TopicPartition(String topic, int partition) {
}
