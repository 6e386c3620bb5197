package dev.backbone.spring.publish;

import java.time.Duration;

/**
 * A record that could not be acknowledged within the delivery timeout. It may or may not have been stored if it
 * was on its way when the time ran out (the idempotent producer never stores it twice).
 */
public class DeliveryTimeoutException extends RuntimeException {

    private final String topic;

    private final Duration deliveryTimeout;

    public DeliveryTimeoutException(String topic, Duration deliveryTimeout, Throwable lastError) {
        super("record for topic '" + topic + "' not acknowledged within " + deliveryTimeout
                + (lastError == null ? "" : "; last error: " + lastError), lastError);
        this.topic = topic;
        this.deliveryTimeout = deliveryTimeout;
    }

    public String topic() {
        return topic;
    }

    public Duration deliveryTimeout() {
        return deliveryTimeout;
    }
}
