package dev.backbone.sample.order;

/** A command lost the race for an order on every attempt; answered 409, safe to retry. */
public final class OrderContendedException extends RuntimeException {

    private final String orderId;
    private final int attempts;

    public OrderContendedException(String orderId, int attempts, Throwable lastConflict) {
        super("order " + orderId + " changed under each of " + attempts + " attempts", lastConflict);
        this.orderId = orderId;
        this.attempts = attempts;
    }

    public String orderId() {
        return orderId;
    }

    public int attempts() {
        return attempts;
    }
}
