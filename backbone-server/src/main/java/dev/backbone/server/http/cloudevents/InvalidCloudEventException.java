package dev.backbone.server.http.cloudevents;

/**
 * A request that claims to carry CloudEvents but breaks the CloudEvents 1.0 rules: a required attribute missing,
 * an unsupported {@code specversion}, a bad attribute name or value, or both {@code data} and {@code data_base64}.
 */
public final class InvalidCloudEventException extends RuntimeException {

    private final int eventIndex;
    private final String attribute;

    /**
     * @param eventIndex the 0-based position of the event in a batch, or -1 for a single event
     * @param attribute  the attribute at fault, or null
     */
    public InvalidCloudEventException(int eventIndex, String attribute, String message) {
        super((eventIndex >= 0 ? "event " + eventIndex + ": " : "") + message);
        this.eventIndex = eventIndex;
        this.attribute = attribute;
    }

    public int eventIndex() {
        return eventIndex;
    }

    public String attribute() {
        return attribute;
    }
}
