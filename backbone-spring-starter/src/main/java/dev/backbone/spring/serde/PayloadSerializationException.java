package dev.backbone.spring.serde;

/**
 * A payload that Jackson could not write as JSON. The publish fails at once; nothing is sent.
 */
public class PayloadSerializationException extends RuntimeException {

    private final Class<?> payloadType;

    public PayloadSerializationException(Class<?> payloadType, Throwable cause) {
        super("cannot write a " + payloadType.getName() + " as JSON: " + cause.getMessage(), cause);
        this.payloadType = payloadType;
    }

    public Class<?> payloadType() {
        return payloadType;
    }
}
