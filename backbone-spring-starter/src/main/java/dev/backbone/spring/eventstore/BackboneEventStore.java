package dev.backbone.spring.eventstore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.backbone.client.batch.Header;
import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.Flush;
import dev.backbone.client.http.KeyAppendResult;
import dev.backbone.client.http.KeyStreamPage;
import dev.backbone.client.http.KeyedEvent;
import dev.backbone.client.http.UnknownTopicException;
import dev.backbone.client.http.VersionedEvent;
import dev.backbone.spring.serde.BackboneHeaders;
import dev.backbone.spring.serde.PayloadSerde;

/**
 * {@link EventStore} on the broker's key streams. Events are JSON with an {@code event-type} header; appends are
 * synced to disk before they are acknowledged (an event store that forgets an acknowledged event is no store).
 *
 * <p>Thread-safe.
 */
public final class BackboneEventStore implements EventStore {

    private static final int PAGE_SIZE = 1_000;

    private final BackboneClient client;

    private final PayloadSerde serde;

    private final Duration timeout;

    /**
     * @param client  the broker client
     * @param serde   payload reader and writer
     * @param timeout longest wait for one broker answer
     */
    public BackboneEventStore(BackboneClient client, PayloadSerde serde, Duration timeout) {
        this.client = client;
        this.serde = serde;
        this.timeout = timeout;
    }

    @Override
    public AppendResult append(String topic, String key, long expectedVersion, List<?> events) {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("nothing to append to stream '" + key + "' of topic '" + topic + "'");
        }
        List<KeyedEvent> keyed = new ArrayList<>(events.size());
        for (Object event : events) {
            keyed.add(new KeyedEvent(serde.serialize(event),
                    Map.of(BackboneHeaders.EVENT_TYPE, serde.eventTypeOf(event))));
        }
        KeyAppendResult result = client.appendToKey(topic, key, expectedVersion, keyed, Flush.SYNC).block(timeout);
        return new AppendResult(result.topic(), result.partition(), result.key(), result.nextExpectedVersion(),
                result.offsets());
    }

    @Override
    public <T> List<StoredEvent<T>> read(String topic, String key, Class<T> type) {
        return read(topic, key, 0, type);
    }

    @Override
    public <T> List<StoredEvent<T>> read(String topic, String key, long fromVersion, Class<T> type) {
        List<StoredEvent<T>> events = new ArrayList<>();
        long next = fromVersion;
        while (true) {
            KeyStreamPage page;
            try {
                page = client.readKey(topic, key, next, PAGE_SIZE).block(timeout);
            } catch (UnknownTopicException e) {
                // A topic nobody appended to yet holds no stream: an aggregate never seen is simply empty.
                return events;
            }
            for (VersionedEvent event : page.events()) {
                events.add(toStored(event, type));
            }
            if (page.events().isEmpty() || page.nextVersion() > page.currentVersion()) {
                return events;
            }
            next = page.nextVersion();
        }
    }

    private <T> StoredEvent<T> toStored(VersionedEvent event, Class<T> type) {
        String eventType = headerValue(event.headers(), BackboneHeaders.EVENT_TYPE);
        Class<? extends T> target = serde.eventTypes().classFor(type, eventType);
        T payload = serde.deserialize(event.jsonValue(), serde.javaType(target));
        return new StoredEvent<>(event.version(), event.offset(), Instant.ofEpochMilli(event.timestamp()), eventType,
                payload);
    }

    private static String headerValue(List<Header> headers, String name) {
        String value = null;
        for (Header h : headers) {
            if (h.key().equals(name) && h.value() != null) {
                value = new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return value;
    }
}
