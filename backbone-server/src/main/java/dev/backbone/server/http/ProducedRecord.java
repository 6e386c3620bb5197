package dev.backbone.server.http;

import dev.backbone.client.batch.Header;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One record a client asked to append, before it has an offset.
 *
 * <p>The value may lie inside a larger array, typically the request body it was cut from: then it is copied once,
 * into the batch, instead of first into an array of its own. {@link #value()} gives the value's own bytes (a copy
 * in that case); the produce path reads {@link #valueArray()} with offset and length.
 *
 * @param partition   the partition chosen by the client, or null to let the broker choose
 * @param key         the key bytes, or null
 * @param valueArray  the array holding the value, or null for a null value (a tombstone)
 * @param valueOffset where the value starts in {@code valueArray}
 * @param valueLength the value's length in bytes
 * @param headers     the headers in order (duplicate keys allowed, as in Kafka)
 * @param timestampMs the record's create time, or null for the broker's clock
 */
public record ProducedRecord(Integer partition, byte[] key, byte[] valueArray, int valueOffset, int valueLength,
                             List<Header> headers, Long timestampMs) {

    public ProducedRecord {
        headers = headers == null ? List.of() : List.copyOf(headers);
        if (valueArray != null) {
            Objects.checkFromIndexSize(valueOffset, valueLength, valueArray.length);
        }
    }

    /** A record whose value is the whole of {@code value}. */
    public ProducedRecord(Integer partition, byte[] key, byte[] value, List<Header> headers, Long timestampMs) {
        this(partition, key, value, 0, value == null ? 0 : value.length, headers, timestampMs);
    }

    /** The same record with another partition and key; the value is shared, not copied. */
    public ProducedRecord with(Integer partition, byte[] key) {
        return new ProducedRecord(partition, key, valueArray, valueOffset, valueLength, headers, timestampMs);
    }

    /** The value's bytes, or null; a copy when the value lies inside a larger array. */
    public byte[] value() {
        if (valueArray == null || (valueOffset == 0 && valueLength == valueArray.length)) {
            return valueArray;
        }
        return Arrays.copyOfRange(valueArray, valueOffset, valueOffset + valueLength);
    }

    /** Bytes of key, value and headers: what the per-record limit counts. */
    public int sizeInBytes() {
        long size = (key == null ? 0 : key.length) + (valueArray == null ? 0 : (long) valueLength);
        for (Header header : headers) {
            size += header.key().getBytes(StandardCharsets.UTF_8).length;
            size += header.value() == null ? 0 : header.value().length;
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }
}
