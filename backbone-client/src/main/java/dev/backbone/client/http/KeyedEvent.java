package dev.backbone.client.http;

import java.util.Map;
import java.util.Objects;

/**
 * One event to append to a key's stream.
 *
 * @param jsonValue the value: one JSON text, UTF-8, stored byte for byte as given
 * @param headers   record headers, never null
 */
public record KeyedEvent(byte[] jsonValue, Map<String, String> headers) {

    public KeyedEvent {
        Objects.requireNonNull(jsonValue, "jsonValue");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** An event without headers. */
    public static KeyedEvent of(byte[] jsonValue) {
        return new KeyedEvent(jsonValue, Map.of());
    }
}
