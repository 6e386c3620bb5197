package dev.backbone.test;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns an {@link EmbeddedBackbone} annotation into its shared broker with its topics created. Used by the JUnit
 * extension and the Spring context customizer alike, so both see the same broker. Stateless and thread-safe.
 */
final class EmbeddedBackboneSupport {

    private EmbeddedBackboneSupport() {
    }

    /** The shared broker for the annotation's properties, with its topics created. */
    static EmbeddedBroker brokerFor(EmbeddedBackbone annotation) {
        if (annotation.partitions() < 1) {
            throw new IllegalArgumentException("@EmbeddedBackbone partitions must be at least 1, got "
                    + annotation.partitions());
        }
        EmbeddedBroker broker = EmbeddedBroker.shared(properties(annotation.properties()));
        for (String topic : annotation.topics()) {
            broker.createTopic(topic, annotation.partitions(), Map.of());
        }
        return broker;
    }

    /** Parses {@code name=value} pairs; the first {@code =} splits. */
    static Map<String, String> properties(String[] pairs) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("@EmbeddedBackbone property '" + pair
                        + "' is not of the form name=value");
            }
            properties.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return properties;
    }
}
