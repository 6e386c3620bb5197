package dev.backbone.sample.audit;

import dev.backbone.spring.listener.BackboneListener;
import dev.backbone.spring.listener.BackboneRecord;
import org.springframework.stereotype.Component;

/**
 * Reads every business event on {@code orders}. An event it cannot read (not JSON, or without an {@code orderId})
 * fails its invocation; after the starter's retries it goes to the dead-letter topic {@code orders.dlt} with the
 * failure, and consumption goes on with the next one.
 */
@Component
public class BusinessEventListener {

    /** The part of an order event this service needs; other fields are ignored. */
    public record OrderEventHeader(String orderId) {
    }

    /** An event without the field every order event has. */
    public static final class UnreadableEventException extends RuntimeException {

        public UnreadableEventException(String topic, int partition, long offset) {
            super("event at " + topic + "/" + partition + "@" + offset + " has no orderId");
        }
    }

    private final BusinessEventLog log;

    public BusinessEventListener(BusinessEventLog log) {
        this.log = log;
    }

    @BackboneListener(topics = "orders", group = "audit-service")
    public void onEvent(BackboneRecord<OrderEventHeader> record) {
        if (record.value() == null || record.value().orderId() == null) {
            throw new UnreadableEventException(record.topic(), record.partition(), record.offset());
        }
        log.add(new BusinessEventLog.Seen(record.topic(), record.partition(), record.offset(), record.timestamp(),
                record.eventType(), record.value().orderId()));
    }
}
