package dev.backbone.sample.order;

import dev.backbone.spring.eventstore.AggregateRepository.Loaded;
import java.math.BigDecimal;
import java.util.List;

/** An order as the API shows it: its state and the version of its last event. */
public record OrderView(String id, long version, OrderStatus status, String customer, List<OrderEvent.Line> lines,
                        BigDecimal total, String paymentReference, String carrier, String trackingNumber,
                        String cancelReason) {

    static OrderView of(Loaded<Order> loaded) {
        Order o = loaded.state();
        return new OrderView(o.id(), loaded.version(), o.status(), o.customer(), o.lines(), o.total(),
                o.paymentReference(), o.carrier(), o.trackingNumber(), o.cancelReason());
    }
}
