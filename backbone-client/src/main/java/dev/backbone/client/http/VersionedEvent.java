package dev.backbone.client.http;

import dev.backbone.client.batch.Header;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One record of a key's stream.
 *
 * @param version   its version in the stream, from 0
 * @param offset    its offset in the partition
 * @param timestamp its timestamp, epoch milliseconds
 * @param jsonValue the value bytes as stored (a JSON text when it was appended through a key stream), or null
 * @param headers   its headers in stored order
 */
public record VersionedEvent(long version, long offset, long timestamp, byte[] jsonValue, List<Header> headers) {

    public VersionedEvent {
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    /** The last header with this name as UTF-8 text, or null. */
    public String header(String name) {
        for (int i = headers.size() - 1; i >= 0; i--) {
            Header h = headers.get(i);
            if (h.key().equals(name)) {
                return h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
