package dev.backbone.sample.order;

import dev.backbone.spring.listener.BackboneListener;
import dev.backbone.spring.listener.BackboneRecord;
import dev.backbone.spring.serde.EventType;
import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/**
 * A read model beside the aggregate: how many orders were placed, paid, shipped and cancelled, and the revenue
 * paid, kept by a {@code @BackboneListener} on the same {@code orders} topic. Commands never read it (they rebuild
 * the order from its own events); it is eventually consistent, a few milliseconds behind, which is what a
 * dashboard or a report needs. A restart rebuilds it: its consumer group is new each time the service starts, so
 * it reads the topic from the beginning (the broker forgets an old, empty group's offsets after
 * {@code backbone.groups.offsets-retention}).
 *
 * <p>Thread safety: thread-safe.
 */
@Component
public class OrderStatistics {

    /** The one field of an order event the statistics read; the event type comes from the record's header. */
    public record Amount(BigDecimal amount) {
    }

    /** The counts and revenue as the API shows them. */
    public record Snapshot(Map<String, Long> events, BigDecimal revenue) {
    }

    private static final String PAID = OrderEvent.Paid.class.getAnnotation(EventType.class).value();

    private final Map<String, Long> counts = new TreeMap<>();
    private BigDecimal revenue = BigDecimal.ZERO;

    @BackboneListener(topics = OrderCommands.TOPIC, group = "order-statistics-${random.uuid}")
    public synchronized void onEvent(BackboneRecord<Amount> record) {
        counts.merge(record.eventType(), 1L, Long::sum);
        if (PAID.equals(record.eventType()) && record.value().amount() != null) {
            revenue = revenue.add(record.value().amount());
        }
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(Map.copyOf(counts), revenue);
    }
}
