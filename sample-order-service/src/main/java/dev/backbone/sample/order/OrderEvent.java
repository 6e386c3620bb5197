package dev.backbone.sample.order;

import dev.backbone.spring.serde.EventType;
import java.math.BigDecimal;
import java.util.List;

/**
 * What happened to an order. Each event is one record of the order's key stream on the {@code orders} topic, with
 * its {@code @EventType} name in the record's event-type header, so other services read them without our classes.
 */
public sealed interface OrderEvent permits OrderEvent.Placed, OrderEvent.Paid, OrderEvent.Shipped,
        OrderEvent.Cancelled {

    String orderId();

    /** One line of an order. */
    record Line(String sku, int quantity, BigDecimal unitPrice) {
    }

    @EventType("order.placed")
    record Placed(String orderId, String customer, List<Line> lines, BigDecimal total) implements OrderEvent {
    }

    @EventType("order.paid")
    record Paid(String orderId, BigDecimal amount, String paymentReference) implements OrderEvent {
    }

    @EventType("order.shipped")
    record Shipped(String orderId, String carrier, String trackingNumber) implements OrderEvent {
    }

    @EventType("order.cancelled")
    record Cancelled(String orderId, String reason) implements OrderEvent {
    }
}
