package dev.backbone.spring.listener;

import java.time.Instant;
import java.util.Map;

/**
 * One consumed record with its payload read into the listener's type.
 *
 * @param topic     the topic it was read from
 * @param partition its partition
 * @param offset    its offset in the partition
 * @param key       the key as UTF-8 text, or null
 * @param timestamp the record's timestamp
 * @param headers   headers as UTF-8 text (the last value wins for a repeated name), never null
 * @param value     the payload, or null for a record without a value
 * @param <T>       the payload type
 */
public record BackboneRecord<T>(String topic, int partition, long offset, String key, Instant timestamp,
                                Map<String, String> headers, T value) {

    public BackboneRecord {
        headers = Map.copyOf(headers);
    }

    /**
     * The event type name from the {@code event-type} header.
     *
     * @return the name, or null when the record has none
     */
    public String eventType() {
        return headers.get(dev.backbone.spring.serde.BackboneHeaders.EVENT_TYPE);
    }
}
