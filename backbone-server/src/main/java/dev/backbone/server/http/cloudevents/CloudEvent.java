package dev.backbone.server.http.cloudevents;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One CloudEvent (CloudEvents 1.0): its context attributes, extensions included, in their canonical string form,
 * and its data as bytes.
 *
 * <p>Attribute values are kept as strings because that is how every binary binding carries them (HTTP headers,
 * Kafka headers); a JSON boolean or integer extension so comes back as its string form. {@code datacontenttype} is
 * an attribute like the others here; the bindings map it to their content-type field.
 *
 * <p>Immutable as long as callers do not change the data array.
 *
 * @param attributes attribute name to value, in the order received; validated by {@link CloudEventAttributes}
 * @param data       the event data, or null when the event has none
 */
public record CloudEvent(Map<String, String> attributes, byte[] data) {

    public CloudEvent {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    public String id() {
        return attributes.get(CloudEventAttributes.ID);
    }

    public String source() {
        return attributes.get(CloudEventAttributes.SOURCE);
    }

    public String type() {
        return attributes.get(CloudEventAttributes.TYPE);
    }

    public String specVersion() {
        return attributes.get(CloudEventAttributes.SPECVERSION);
    }

    /** The media type of the data, or null (which means JSON in the structured format). */
    public String dataContentType() {
        return attributes.get(CloudEventAttributes.DATACONTENTTYPE);
    }

    /** The {@code partitionkey} extension, or null. */
    public String partitionKey() {
        return attributes.get(CloudEventAttributes.PARTITIONKEY);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CloudEvent e && attributes.equals(e.attributes) && Arrays.equals(data, e.data);
    }

    @Override
    public int hashCode() {
        return 31 * attributes.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "CloudEvent[attributes=" + attributes + ", data=" + (data == null ? "null" : data.length + " bytes")
                + "]";
    }
}
