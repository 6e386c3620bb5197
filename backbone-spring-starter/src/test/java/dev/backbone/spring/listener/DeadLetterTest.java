package dev.backbone.spring.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.backbone.client.batch.Header;
import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.ConsumedRecord;
import dev.backbone.client.http.FetchOptions;
import dev.backbone.spring.publish.BackbonePublisher;
import dev.backbone.spring.publish.BatchingPublisher;
import dev.backbone.spring.serde.BackboneHeaders;
import dev.backbone.spring.testing.Deadline;
import dev.backbone.spring.testing.StarterContexts;
import dev.backbone.test.EmbeddedBackbone;
import dev.backbone.test.EmbeddedBroker;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Retries with backoff, then the dead-letter topic with the documented headers; a record that cannot be read goes
 * there at once; consumption goes on after both.
 */
@EmbeddedBackbone
class DeadLetterTest {

    record Payment(String id, boolean poisoned) {
    }

    /** Fails on poisoned payments; records every attempt. */
    static class PaymentHandler {

        final Map<String, Integer> attempts = new ConcurrentHashMap<>();

        final List<String> handled = new CopyOnWriteArrayList<>();

        @BackboneListener(topics = "payments", group = "payments")
        void on(Payment payment) {
            attempts.merge(payment.id(), 1, Integer::sum);
            if (payment.poisoned()) {
                throw new IllegalStateException("card declined", new ArithmeticException("negative balance"));
            }
            handled.add(payment.id());
        }
    }

    @Test
    void aFailingRecordIsRetriedThenDeadLetteredAndConsumptionGoesOn(EmbeddedBroker broker) throws Exception {
        broker.createTopic("payments", 1, Map.of());
        StarterContexts.runner(broker.url()).withBean(PaymentHandler.class).run(context -> {
            BackbonePublisher publisher = context.getBean(BackbonePublisher.class);
            BatchingPublisher raw = context.getBean(BatchingPublisher.class);
            PaymentHandler handler = context.getBean(PaymentHandler.class);
            Instant before = Instant.now();
            publisher.publish("payments", "p-1", new Payment("p-1", false)).get(10, TimeUnit.SECONDS);
            publisher.publish("payments", "p-2", new Payment("p-2", true), Map.of("tenant", "acme"))
                    .get(10, TimeUnit.SECONDS);
            List<Header> oldFailure = List.of(
                    new Header(BackboneHeaders.DLT_FAILURE, "{\"stale\":true}".getBytes(StandardCharsets.UTF_8)),
                    new Header(BackboneHeaders.DLT_ORIGINAL_TOPIC, "elsewhere".getBytes(StandardCharsets.UTF_8)));
            raw.publishRaw("payments", "p-3".getBytes(StandardCharsets.UTF_8),
                    "{not json".getBytes(StandardCharsets.UTF_8), oldFailure).get(10, TimeUnit.SECONDS);
            publisher.publish("payments", "p-4", new Payment("p-4", false)).get(10, TimeUnit.SECONDS);

            Deadline.await(Duration.ofSeconds(20), "p-4 handled after the failures",
                    () -> handler.handled.contains("p-4"));
            assertThat(handler.handled).containsExactly("p-1", "p-4");
            assertThat(handler.attempts).containsEntry("p-2", 3).doesNotContainKey("p-3");

            BackboneClient client = context.getBean(BackboneClient.class);
            List<ConsumedRecord> dead = readAll(client, "payments.dlt", 2);
            assertThat(dead).hasSize(2);

            Map<String, String> declined = headers(dead.get(0));
            assertThat(new String(dead.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("p-2");
            assertThat(declined).containsEntry("tenant", "acme")
                    .containsEntry(BackboneHeaders.EVENT_TYPE, "Payment")
                    .containsEntry(BackboneHeaders.DLT_ORIGINAL_TOPIC, "payments")
                    .containsEntry(BackboneHeaders.DLT_ORIGINAL_PARTITION, "0")
                    .containsEntry(BackboneHeaders.DLT_ORIGINAL_OFFSET, "1")
                    .containsEntry(BackboneHeaders.DLT_GROUP, "payments")
                    .containsEntry(BackboneHeaders.DLT_EXCEPTION, "java.lang.ArithmeticException");
            JsonNode envelope = new JsonMapper().readTree(declined.get(BackboneHeaders.DLT_FAILURE));
            assertThat(envelope.get("rootCauseType").asString()).isEqualTo("java.lang.ArithmeticException");
            assertThat(envelope.get("rootCauseMessage").asString()).isEqualTo("negative balance");
            assertThat(envelope.get("attempts").asInt()).isEqualTo(3);
            Instant first = Instant.parse(envelope.get("firstFailureTime").asString());
            Instant last = Instant.parse(envelope.get("lastFailureTime").asString());
            assertThat(first).isAfterOrEqualTo(before.minusSeconds(1)).isBefore(last);

            ConsumedRecord unreadable = dead.get(1);
            assertThat(new String(unreadable.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
            assertThat(unreadable.headers().stream().filter(h -> h.key().equals(BackboneHeaders.DLT_FAILURE)))
                    .as("one envelope, the stale one replaced").hasSize(1);
            Map<String, String> unreadableHeaders = headers(unreadable);
            assertThat(unreadableHeaders).containsEntry(BackboneHeaders.DLT_ORIGINAL_TOPIC, "payments")
                    .containsEntry(BackboneHeaders.DLT_ORIGINAL_OFFSET, "2");
            assertThat(unreadableHeaders.get(BackboneHeaders.DLT_EXCEPTION)).startsWith("tools.jackson.");
            assertThat(new JsonMapper().readTree(unreadableHeaders.get(BackboneHeaders.DLT_FAILURE))
                    .get("attempts").asInt()).isEqualTo(1);
        });
    }

    static List<ConsumedRecord> readAll(BackboneClient client, String topic, int atLeast) {
        List<ConsumedRecord> records = new ArrayList<>();
        Deadline.await(Duration.ofSeconds(10), atLeast + " records in " + topic, () -> {
            records.clear();
            try {
                records.addAll(client.fetch(topic, 0, 0, new FetchOptions(1 << 20, Duration.ZERO))
                        .block(Duration.ofSeconds(5)).records());
            } catch (RuntimeException e) {
                return false;
            }
            return records.size() >= atLeast;
        });
        return records;
    }

    static Map<String, String> headers(ConsumedRecord record) {
        Map<String, String> map = new LinkedHashMap<>();
        record.headers().forEach(h -> map.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
        return map;
    }
}
