package dev.backbone.sample.audit;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import org.springframework.stereotype.Component;

/**
 * The business events seen on the {@code orders} topic, by offset: what happened to each entity, next to the audit
 * entries saying who asked for it.
 *
 * <p>Thread safety: thread-safe.
 */
@Component
public class BusinessEventLog {

    /** One business event: where it is, what it was, and about which entity. */
    public record Seen(String topic, int partition, long offset, Instant timestamp, String type, String entityId) {
    }

    private final ConcurrentSkipListMap<String, Seen> seen = new ConcurrentSkipListMap<>();

    public void add(Seen event) {
        seen.putIfAbsent(event.topic() + "/" + event.partition() + "/" + String.format("%020d", event.offset()),
                event);
    }

    public List<Seen> forEntity(String entityId) {
        return seen.values().stream().filter(s -> entityId.equals(s.entityId())).toList();
    }
}
