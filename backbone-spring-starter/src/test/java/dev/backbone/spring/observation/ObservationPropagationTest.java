package dev.backbone.spring.observation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.backbone.spring.listener.BackboneListener;
import dev.backbone.spring.listener.BackboneListenerRegistry;
import dev.backbone.spring.listener.BackboneRecord;
import dev.backbone.spring.publish.BackbonePublisher;
import dev.backbone.spring.publish.PublishResult;
import dev.backbone.spring.serde.BackboneHeaders;
import dev.backbone.spring.testing.StarterContexts;
import dev.backbone.test.EmbeddedBackbone;
import dev.backbone.test.EmbeddedBroker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import org.junit.jupiter.api.Test;

/**
 * Publish and listener invocation are observations whose carrier is the record's headers: a propagating handler
 * (what Micrometer Tracing installs) writes {@code traceparent} into the published record and reads it back in
 * the listener's observation; the observations yield timers, and the listener counters count.
 */
@EmbeddedBackbone
class ObservationPropagationTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    /** Stands in for Micrometer Tracing's propagating handlers: inject on send, extract on receive. */
    static final class W3cPropagation implements ObservationHandler<Observation.Context> {

        final Set<String> extracted = ConcurrentHashMap.newKeySet();

        @Override
        @SuppressWarnings("unchecked")
        public void onStart(Observation.Context context) {
            if (context instanceof SenderContext<?> sender) {
                ((SenderContext<Object>) sender).getSetter().set(sender.getCarrier(), BackboneHeaders.TRACEPARENT,
                        TRACEPARENT);
            } else if (context instanceof ReceiverContext<?> receiver) {
                String value = ((ReceiverContext<Object>) receiver).getGetter().get(receiver.getCarrier(),
                        BackboneHeaders.TRACEPARENT);
                if (value != null) {
                    extracted.add(value);
                }
            }
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return context instanceof SenderContext<?> || context instanceof ReceiverContext<?>;
        }
    }

    /** Keeps the headers of what it handles. */
    static class Traced {

        final Map<Long, Map<String, String>> headers = new ConcurrentHashMap<>();

        @BackboneListener(id = "traced", topics = "traced", group = "traced")
        void on(BackboneRecord<String> record) {
            headers.put(record.offset(), record.headers());
        }
    }

    @Test
    void theTraceContextTravelsInRecordHeadersAndObservationsYieldMeters(EmbeddedBroker broker) throws Exception {
        broker.createTopic("traced", 1, Map.of());
        W3cPropagation propagation = new W3cPropagation();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(propagation)
                .observationHandler(new DefaultMeterObservationHandler(meters));
        StarterContexts.runner(broker.url())
                .withBean(ObservationRegistry.class, () -> observations)
                .withBean(MeterRegistry.class, () -> meters)
                .withBean(Traced.class)
                .run(context -> {
                    PublishResult result = context.getBean(BackbonePublisher.class).publish("traced", "hello")
                            .get(10, TimeUnit.SECONDS);
                    assertThat(context.getBean(BackboneListenerRegistry.class)
                            .awaitProcessed("traced", 0, result.offset(), Duration.ofSeconds(10))).isTrue();
                    assertThat(context.getBean(Traced.class).headers.get(result.offset()))
                            .containsEntry(BackboneHeaders.TRACEPARENT, TRACEPARENT)
                            .containsEntry(BackboneHeaders.EVENT_TYPE, "String");
                    assertThat(propagation.extracted).containsExactly(TRACEPARENT);
                    assertThat(meters.get("backbone.publish").tag("topic", "traced").timer().count()).isEqualTo(1);
                    assertThat(meters.get("backbone.listener.process").tag("listener", "traced").timer().count())
                            .isEqualTo(1);
                    assertThat(meters.get("backbone.listener.records.consumed").tag("listener", "traced")
                            .counter().count()).isEqualTo(1.0);
                    assertThat(meters.get("backbone.listener.lag").tag("partition", "0").gauge().value()).isZero();
                });
    }
}
