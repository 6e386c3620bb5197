package dev.backbone.sample.order;

import java.math.BigDecimal;
import java.util.List;

/**
 * The order aggregate: a value folded from the order's events by {@link #apply}, and the decisions that turn a
 * command into new events, or refuse it with {@link IllegalTransitionException} when the order is in the wrong
 * state. Deciding never changes the order; only events do, once stored.
 */
public record Order(String id, OrderStatus status, String customer, List<OrderEvent.Line> lines, BigDecimal total,
                    String paymentReference, String carrier, String trackingNumber, String cancelReason) {

    /** The state before any event. */
    public static Order none(String id) {
        return new Order(id, OrderStatus.NONE, null, List.of(), BigDecimal.ZERO, null, null, null, null);
    }

    /** The state after one more event. */
    public Order apply(OrderEvent event) {
        if (event instanceof OrderEvent.Placed placed) {
            return new Order(id, OrderStatus.PLACED, placed.customer(), List.copyOf(placed.lines()), placed.total(),
                    null, null, null, null);
        }
        if (event instanceof OrderEvent.Paid paid) {
            return new Order(id, OrderStatus.PAID, customer, lines, total, paid.paymentReference(), null, null, null);
        }
        if (event instanceof OrderEvent.Shipped shipped) {
            return new Order(id, OrderStatus.SHIPPED, customer, lines, total, paymentReference, shipped.carrier(),
                    shipped.trackingNumber(), null);
        }
        OrderEvent.Cancelled cancelled = (OrderEvent.Cancelled) event;
        return new Order(id, OrderStatus.CANCELLED, customer, lines, total, paymentReference, null, null,
                cancelled.reason());
    }

    public List<OrderEvent> place(String customer, List<OrderEvent.Line> lines) {
        require("place", OrderStatus.NONE);
        BigDecimal sum = lines.stream().map(l -> l.unitPrice().multiply(BigDecimal.valueOf(l.quantity())))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        return List.of(new OrderEvent.Placed(id, customer, List.copyOf(lines), sum));
    }

    public List<OrderEvent> pay(String paymentReference) {
        require("pay", OrderStatus.PLACED);
        return List.of(new OrderEvent.Paid(id, total, paymentReference));
    }

    public List<OrderEvent> ship(String carrier, String trackingNumber) {
        require("ship", OrderStatus.PAID);
        return List.of(new OrderEvent.Shipped(id, carrier, trackingNumber));
    }

    public List<OrderEvent> cancel(String reason) {
        require("cancel", OrderStatus.PLACED, OrderStatus.PAID);
        return List.of(new OrderEvent.Cancelled(id, reason));
    }

    private void require(String command, OrderStatus... allowed) {
        for (OrderStatus s : allowed) {
            if (status == s) {
                return;
            }
        }
        if (status == OrderStatus.NONE) {
            throw new UnknownOrderException(id);
        }
        throw new IllegalTransitionException(id, status, command, List.of(allowed));
    }
}
