package dev.backbone.spring.eventstore;

import java.util.List;

/**
 * Event-sourced streams on a Backbone topic: each key is one aggregate's stream of events, appended only if
 * nobody else appended since the caller read (optimistic concurrency). Calls block the calling thread until the
 * broker answers. Implementations are thread-safe.
 *
 * <p>Expected versions: a version number (the stream's newest event must have exactly it), or
 * {@link dev.backbone.client.http.ExpectedVersion#ANY} (no check) or
 * {@link dev.backbone.client.http.ExpectedVersion#NO_STREAM} (the key must have no event yet).
 */
public interface EventStore {

    /**
     * Appends events to a key's stream atomically, if its version is as expected.
     *
     * @param topic           the topic
     * @param key             the stream's key (the aggregate id)
     * @param expectedVersion the version the caller read, or ANY / NO_STREAM
     * @param events          payloads, written as JSON with their event type header
     * @return the new version and where the events landed
     * @throws dev.backbone.client.http.ConcurrencyConflictException when the stream is at another version (the
     *                                                               exception carries the current one)
     */
    AppendResult append(String topic, String key, long expectedVersion, List<?> events);

    /**
     * Reads a key's whole stream.
     *
     * @param topic the topic
     * @param key   the stream's key
     * @param type  the payload type; a sealed interface is read into the permitted class the event type names
     * @param <T>   the payload type
     * @return events in version order, empty for an unknown key
     */
    <T> List<StoredEvent<T>> read(String topic, String key, Class<T> type);

    /**
     * Reads a key's stream from a version on.
     *
     * @param topic       the topic
     * @param key         the stream's key
     * @param fromVersion the first version wanted
     * @param type        the payload type
     * @param <T>         the payload type
     * @return events in version order
     */
    <T> List<StoredEvent<T>> read(String topic, String key, long fromVersion, Class<T> type);
}
