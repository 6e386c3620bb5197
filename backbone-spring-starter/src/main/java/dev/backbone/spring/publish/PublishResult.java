package dev.backbone.spring.publish;

/**
 * Where a published record was stored.
 *
 * @param topic     the topic
 * @param partition the partition
 * @param offset    its offset in the partition, for {@code BackboneListenerRegistry.awaitProcessed}
 */
public record PublishResult(String topic, int partition, long offset) {
}
