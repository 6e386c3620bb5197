package dev.backbone.client.batch;

import java.util.Arrays;
import java.util.List;

/**
 * One decoded record with its absolute offset and timestamp.
 *
 * <p>Immutable as long as callers do not change the arrays; the header list is an unmodifiable copy.
 * Equality compares key and value bytes, not array identity.
 *
 * @param offset    the absolute offset (batch base offset plus the record's offset delta)
 * @param timestamp milliseconds since the epoch (batch base timestamp plus the record's timestamp delta)
 * @param key       the key, or null
 * @param value     the value, or null (a tombstone)
 * @param headers   the headers in wire order, never null
 */
public record Record(long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {

    public Record {
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Record r
                && offset == r.offset
                && timestamp == r.timestamp
                && Arrays.equals(key, r.key)
                && Arrays.equals(value, r.value)
                && headers.equals(r.headers);
    }

    @Override
    public int hashCode() {
        int h = Long.hashCode(offset);
        h = 31 * h + Long.hashCode(timestamp);
        h = 31 * h + Arrays.hashCode(key);
        h = 31 * h + Arrays.hashCode(value);
        return 31 * h + headers.hashCode();
    }

    @Override
    public String toString() {
        return "Record[offset=" + offset + ", timestamp=" + timestamp
                + ", key=" + (key == null ? "null" : key.length + " bytes")
                + ", value=" + (value == null ? "null" : value.length + " bytes")
                + ", headers=" + headers + "]";
    }
}
