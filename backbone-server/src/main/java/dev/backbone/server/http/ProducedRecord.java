package dev.backbone.server.http;

import dev.backbone.client.batch.Header;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One record a client asked to append, before it has an offset.
 *
 * @param partition   the partition chosen by the client, or null to let the broker choose
 * @param key         the key bytes, or null
 * @param value       the value bytes, or null (a tombstone)
 * @param headers     the headers in order (duplicate keys allowed, as in Kafka)
 * @param timestampMs the record's create time, or null for the broker's clock
 */
public record ProducedRecord(Integer partition, byte[] key, byte[] value, List<Header> headers, Long timestampMs) {

    public ProducedRecord {
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    /** Bytes of key, value and headers: what the per-record limit counts. */
    public int sizeInBytes() {
        long size = (key == null ? 0 : key.length) + (value == null ? 0 : (long) value.length);
        for (Header header : headers) {
            size += header.key().getBytes(StandardCharsets.UTF_8).length;
            size += header.value() == null ? 0 : header.value().length;
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }
}
