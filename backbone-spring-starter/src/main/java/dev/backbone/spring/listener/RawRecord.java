package dev.backbone.spring.listener;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.backbone.client.batch.Header;

/**
 * A fetched record before its value is read: what the dead-letter path forwards byte for byte.
 *
 * @param topic     topic it was read from
 * @param partition its partition
 * @param offset    its offset
 * @param timestamp milliseconds since the epoch
 * @param key       key bytes, or null
 * @param value     value bytes, or null
 * @param headers   headers in wire order
 */
public record RawRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
                        List<Header> headers) {

    /**
     * The key as UTF-8 text.
     *
     * @return the key, or null
     */
    public String keyText() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    /**
     * The last header with this name as UTF-8 text.
     *
     * @param name a header name
     * @return its value, or null when there is none (or its value is null)
     */
    public String header(String name) {
        for (int i = headers.size() - 1; i >= 0; i--) {
            Header h = headers.get(i);
            if (h.key().equals(name)) {
                return h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /**
     * The headers as UTF-8 text; the last value wins for a repeated name, a null value becomes "".
     *
     * @return a map in wire order (immutable for a single header)
     */
    public Map<String, String> headerText() {
        // Most records carry one header (the event type): no map to build and copy for them.
        if (headers.size() == 1) {
            Header only = headers.get(0);
            return Map.of(only.key(), only.value() == null ? "" : new String(only.value(), StandardCharsets.UTF_8));
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Header h : headers) {
            map.put(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
        }
        return map;
    }

    /**
     * This record with its value read.
     *
     * @param payload the value read
     * @param <T>     its type
     * @return the listener's view of the record
     */
    public <T> BackboneRecord<T> withPayload(T payload) {
        return new BackboneRecord<>(topic, partition, offset, keyText(), Instant.ofEpochMilli(timestamp),
                headerText(), payload);
    }
}
