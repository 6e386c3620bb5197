package dev.backbone.spring.observation;

import java.util.Map;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;

/**
 * The observation of one listener invocation. Its carrier is the record's headers, so a tracing handler continues
 * the trace whose {@code traceparent} the publisher wrote.
 */
public final class ProcessObservationContext extends ReceiverContext<Map<String, String>> {

    /** Name of the observation, and of the timer it yields: {@code backbone.listener.process}. */
    public static final String NAME = "backbone.listener.process";

    public ProcessObservationContext(String listenerId, String topic, Map<String, String> headers) {
        super((carrier, name) -> carrier.get(name), Kind.CONSUMER);
        setCarrier(headers);
        setRemoteServiceName("backbone");
        setContextualName(topic + " process");
        addLowCardinalityKeyValue(KeyValue.of("topic", topic));
        addLowCardinalityKeyValue(KeyValue.of("listener", listenerId));
    }
}
