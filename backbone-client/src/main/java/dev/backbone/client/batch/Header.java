package dev.backbone.client.batch;

import java.util.Arrays;
import java.util.Objects;

/**
 * One record header: a UTF-8 key and an optional binary value. Header keys may repeat within a record.
 *
 * <p>Immutable once built, as long as callers do not change the value array they passed in or got back.
 * Equality compares the value bytes, not the array identity.
 *
 * @param key   the header name, never null
 * @param value the header value, or null
 */
public record Header(String key, byte[] value) {

    public Header {
        Objects.requireNonNull(key, "header key");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Header h && key.equals(h.key) && Arrays.equals(value, h.value);
    }

    @Override
    public int hashCode() {
        return 31 * key.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Header[key=" + key + ", value=" + (value == null ? "null" : value.length + " bytes") + "]";
    }
}
