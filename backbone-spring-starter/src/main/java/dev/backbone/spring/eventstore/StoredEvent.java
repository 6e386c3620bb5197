package dev.backbone.spring.eventstore;

import java.time.Instant;

/**
 * One event of a key's stream as read back from the event store.
 *
 * @param version   its version in the stream (0 for the first)
 * @param offset    its offset in the topic's partition
 * @param timestamp when it was appended
 * @param type      its event type name (the {@code event-type} header), or null
 * @param payload   the event read into the requested type
 * @param <T>       the payload type
 */
public record StoredEvent<T>(long version, long offset, Instant timestamp, String type, T payload) {
}
