package dev.backbone.server.http.cloudevents;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;

/**
 * A request that claims to carry CloudEvents but breaks the CloudEvents 1.0 rules: a required attribute missing,
 * an unsupported {@code specversion}, a bad attribute name or value, or both {@code data} and {@code data_base64}.
 */
public final class InvalidCloudEventException extends BackboneException {

    private final int eventIndex;
    private final String attribute;

    /**
     * @param eventIndex the 0-based position of the event in a batch, or -1 for a single event
     * @param attribute  the attribute at fault, or null
     */
    public InvalidCloudEventException(int eventIndex, String attribute, String message) {
        super(ProblemType.INVALID_CLOUDEVENT, (eventIndex >= 0 ? "event " + eventIndex + ": " : "") + message,
                facts(eventIndex, attribute));
        this.eventIndex = eventIndex;
        this.attribute = attribute;
    }

    private static Map<String, Object> facts(int eventIndex, String attribute) {
        Map<String, Object> facts = new LinkedHashMap<>();
        if (eventIndex >= 0) {
            facts.put("eventIndex", eventIndex);
        }
        if (attribute != null) {
            facts.put("attribute", attribute);
        }
        return facts;
    }

    public int eventIndex() {
        return eventIndex;
    }

    public String attribute() {
        return attribute;
    }
}
