package dev.backbone.spring.observation;

import java.util.Map;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;

/**
 * The observation of one publish. Its carrier is the record's header map, so a tracing handler (present when
 * Micrometer Tracing is on the class path) writes W3C {@code traceparent} into the record's headers.
 */
public final class PublishObservationContext extends SenderContext<Map<String, String>> {

    /** Name of the observation, and of the timer it yields: {@code backbone.publish}. */
    public static final String NAME = "backbone.publish";

    private final String topic;

    private final String key;

    public PublishObservationContext(String topic, String key, Map<String, String> headers) {
        super((carrier, name, value) -> carrier.put(name, value), Kind.PRODUCER);
        setCarrier(headers);
        setRemoteServiceName("backbone");
        this.topic = topic;
        this.key = key;
        setContextualName(topic + " send");
        addLowCardinalityKeyValue(io.micrometer.common.KeyValue.of("topic", topic));
    }

    public String topic() {
        return topic;
    }

    public String key() {
        return key;
    }
}
