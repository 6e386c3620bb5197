package dev.backbone.client.http;

import dev.backbone.client.batch.Header;
import java.util.List;

/**
 * One record handed to an {@link IdempotentProducer}.
 *
 * @param key       the key bytes, or null
 * @param value     the value bytes, or null (a tombstone)
 * @param headers   the headers, never null
 * @param timestamp the create time in epoch milliseconds
 */
public record ProducerRecord(byte[] key, byte[] value, List<Header> headers, long timestamp) {

    public ProducerRecord {
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    /** A record without headers stamped with the current time. */
    public static ProducerRecord of(byte[] key, byte[] value) {
        return new ProducerRecord(key, value, List.of(), System.currentTimeMillis());
    }
}
