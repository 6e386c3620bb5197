package dev.backbone.client.http;

import dev.backbone.client.batch.Header;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A record read from the broker. Equality compares the bytes of key, value and headers.
 *
 * @param offset    its offset in the partition
 * @param timestamp its timestamp in epoch milliseconds
 * @param key       the key bytes, or null
 * @param value     the value bytes, or null (a tombstone)
 * @param headers   the headers in stored order, never null
 */
public record ConsumedRecord(long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {

    public ConsumedRecord {
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    /** The last header with this name as UTF-8 text, or null when there is none (or its value is null). */
    public String header(String name) {
        for (int i = headers.size() - 1; i >= 0; i--) {
            Header h = headers.get(i);
            if (h.key().equals(name)) {
                return h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ConsumedRecord r && offset == r.offset && timestamp == r.timestamp
                && Arrays.equals(key, r.key) && Arrays.equals(value, r.value) && headers.equals(r.headers);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(offset) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "ConsumedRecord[offset=" + offset + ", timestamp=" + timestamp + ", key="
                + (key == null ? "null" : key.length + " bytes") + ", value="
                + (value == null ? "null" : value.length + " bytes") + ", headers=" + headers + "]";
    }
}
