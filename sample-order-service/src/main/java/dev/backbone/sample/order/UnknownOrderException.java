package dev.backbone.sample.order;

/** No event exists for the order id; answered 404. */
public final class UnknownOrderException extends RuntimeException {

    private final String orderId;

    public UnknownOrderException(String orderId) {
        super("order " + orderId + " does not exist");
        this.orderId = orderId;
    }

    public String orderId() {
        return orderId;
    }
}
