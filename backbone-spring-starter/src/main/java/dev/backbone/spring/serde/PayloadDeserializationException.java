package dev.backbone.spring.serde;

/**
 * Record bytes that are not JSON of the listener's payload type. A listener container never retries such a record:
 * it goes straight to the dead-letter topic with its raw bytes.
 */
public class PayloadDeserializationException extends RuntimeException {

    private final String targetType;

    private final int valueBytes;

    public PayloadDeserializationException(String targetType, int valueBytes, Throwable cause) {
        super("cannot read " + valueBytes + " bytes as " + targetType + ": " + cause.getMessage(), cause);
        this.targetType = targetType;
        this.valueBytes = valueBytes;
    }

    public String targetType() {
        return targetType;
    }

    public int valueBytes() {
        return valueBytes;
    }
}
