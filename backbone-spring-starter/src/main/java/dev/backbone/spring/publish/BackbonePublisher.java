package dev.backbone.spring.publish;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes events to Backbone topics. Payloads are written as JSON with the application's mapper and carry an
 * {@code event-type} header. Calls never block: records are batched and sent in the background, and each future
 * completes when the broker acknowledged the record, or fails after the delivery timeout. Implementations are
 * thread-safe.
 *
 * <p>Keyed records go to {@code murmur2(key) mod partitions}, as Kafka's default partitioner does, so one key's
 * records stay in order; records without a key are spread over the partitions a batch at a time.
 */
public interface BackbonePublisher {

    /**
     * Publishes a record without a key.
     *
     * @param topic   the topic
     * @param payload the payload
     * @return completes with where it was stored
     */
    default CompletableFuture<PublishResult> publish(String topic, Object payload) {
        return publish(topic, null, payload, Map.of());
    }

    /**
     * Publishes a keyed record.
     *
     * @param topic   the topic
     * @param key     the key (the aggregate or entity id), or null
     * @param payload the payload
     * @return completes with where it was stored
     */
    default CompletableFuture<PublishResult> publish(String topic, String key, Object payload) {
        return publish(topic, key, payload, Map.of());
    }

    /**
     * Publishes a keyed record with headers of the caller's.
     *
     * @param topic   the topic
     * @param key     the key, or null
     * @param payload the payload; a {@code byte[]} is sent as it is
     * @param headers extra headers (the event type and trace headers are added)
     * @return completes with where it was stored; fails with {@link DeliveryTimeoutException},
     *         {@link PublisherBufferFullException} or the broker's typed problem
     */
    CompletableFuture<PublishResult> publish(String topic, String key, Object payload, Map<String, String> headers);
}
