package dev.backbone.sample.order;

/** Where an order is in its life: placed, then paid, then shipped; cancelled before shipping. */
public enum OrderStatus {
    /** No event yet: the order does not exist. */
    NONE,
    PLACED,
    PAID,
    SHIPPED,
    CANCELLED
}
