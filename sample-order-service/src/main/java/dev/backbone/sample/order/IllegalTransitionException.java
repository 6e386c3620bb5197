package dev.backbone.sample.order;

import java.util.List;

/** A command the order's state does not allow, such as shipping an unpaid order; answered 409. */
public final class IllegalTransitionException extends RuntimeException {

    private final String orderId;
    private final OrderStatus status;
    private final String command;
    private final List<OrderStatus> allowedFrom;

    public IllegalTransitionException(String orderId, OrderStatus status, String command,
                                      List<OrderStatus> allowedFrom) {
        super("cannot " + command + " order " + orderId + ": it is " + status + ", and " + command
                + " needs " + allowedFrom);
        this.orderId = orderId;
        this.status = status;
        this.command = command;
        this.allowedFrom = List.copyOf(allowedFrom);
    }

    public String orderId() {
        return orderId;
    }

    public OrderStatus status() {
        return status;
    }

    public String command() {
        return command;
    }

    public List<OrderStatus> allowedFrom() {
        return allowedFrom;
    }
}
