package dev.backbone.server.http.cloudevents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import dev.backbone.server.http.BrokerIntegrationTest;
import tools.jackson.databind.JsonNode;

class CloudEventsApiTest extends BrokerIntegrationTest {

    private static final MediaType STRUCTURED = MediaType.parseMediaType(CloudEventJson.STRUCTURED_MEDIA_TYPE);
    private static final MediaType BATCH = MediaType.parseMediaType(CloudEventJson.BATCH_MEDIA_TYPE);

    @Test
    void structuredModeRoundTripsAndIsStoredAsTheKafkaBindingSays() {
        createTopic("ce-structured", 3);
        String event = "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"/orders\",\"type\":\"order.created\","
                + "\"datacontenttype\":\"application/json\",\"subject\":\"o-7\",\"time\":\"2026-12-01T06:00:00Z\","
                + "\"partitionkey\":\"order-7\",\"comexampleflag\":\"on\",\"data\":{\"total\":12.50,\"items\":[1,2]}}";

        JsonNode answer = post("ce-structured", STRUCTURED, event);
        int partition = answer.path("offsets").get(0).path("partition").asInt();
        long offset = answer.path("offsets").get(0).path("offset").asLong();

        JsonNode events = consumeEvents("ce-structured", partition, offset);
        assertThat(events).hasSize(1);
        assertThat(events.get(0)).isEqualTo(json(event));
        String raw = new String(consumeRaw("ce-structured", partition, offset), StandardCharsets.UTF_8);
        assertThat(raw).contains("\"data\":{\"total\":12.50,\"items\":[1,2]}");

        JsonNode stored = client().get().uri("/v1/topics/ce-structured/partitions/" + partition + "/records?offset="
                        + offset).accept(MediaType.APPLICATION_JSON).exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody().path("records").get(0);
        assertThat(stored.path("key").asString()).isEqualTo("order-7");
        assertThat(stored.path("value")).isEqualTo(json("{\"total\":12.50,\"items\":[1,2]}"));
        JsonNode headers = stored.path("headers");
        assertThat(headers.path("ce_specversion").asString()).isEqualTo("1.0");
        assertThat(headers.path("ce_id").asString()).isEqualTo("e-1");
        assertThat(headers.path("ce_source").asString()).isEqualTo("/orders");
        assertThat(headers.path("ce_type").asString()).isEqualTo("order.created");
        assertThat(headers.path("ce_comexampleflag").asString()).isEqualTo("on");
        assertThat(headers.path("content-type").asString()).isEqualTo("application/json");
        assertThat(headers.has("ce_datacontenttype")).isFalse();
    }

    @Test
    void batchedModeRoundTripsTextBinaryAndJsonData() {
        createTopic("ce-batch", 1);
        String batch = "[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data\":[1,\"a\"]},"
                + "{\"specversion\":\"1.0\",\"id\":\"2\",\"source\":\"/s\",\"type\":\"t\","
                + "\"datacontenttype\":\"text/plain\",\"data\":\"h\u00e9llo\"},"
                + "{\"specversion\":\"1.0\",\"id\":\"3\",\"source\":\"/s\",\"type\":\"t\","
                + "\"datacontenttype\":\"application/octet-stream\",\"data_base64\":\"AAEC/w==\"},"
                + "{\"specversion\":\"1.0\",\"id\":\"4\",\"source\":\"/s\",\"type\":\"t\"}]";

        JsonNode answer = post("ce-batch", BATCH, batch);
        assertThat(answer.path("offsets")).hasSize(4);
        assertThat(answer.path("offsets").get(3).path("offset").asLong()).isEqualTo(3);

        assertThat(consumeEvents("ce-batch", 0, 0)).isEqualTo(json(batch));
        assertThat(post("ce-batch", BATCH, "[]").path("offsets")).isEmpty();
    }

    @Test
    void binaryModeRoundTripsWithAnyContentTypeJsonIncluded() {
        createTopic("ce-binary", 1);
        client().post().uri("/v1/topics/ce-binary/records")
                .contentType(MediaType.APPLICATION_JSON)
                .header("ce-specversion", "1.0").header("ce-id", "b-1").header("ce-source", "/orders")
                .header("ce-type", "order.paid").header("ce-subject", "caf%C3%A9").header("ce-partitionkey", "o-9")
                .bodyValue("{\"paid\":true}")
                .exchange().expectStatus().isOk();
        client().post().uri("/v1/topics/ce-binary/records")
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .header("ce-specversion", "1.0").header("ce-id", "b-2").header("ce-source", "/orders")
                .header("ce-type", "order.blob")
                .bodyValue(new byte[] {0, (byte) 0xff, 7})
                .exchange().expectStatus().isOk();

        JsonNode events = consumeEvents("ce-binary", 0, 0);
        assertThat(events.get(0)).isEqualTo(json("{\"specversion\":\"1.0\",\"id\":\"b-1\",\"source\":\"/orders\","
                + "\"type\":\"order.paid\",\"subject\":\"caf\u00e9\",\"partitionkey\":\"o-9\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"paid\":true}}"));
        assertThat(events.get(1).path("datacontenttype").asString()).isEqualTo("application/octet-stream");
        assertThat(Base64.getDecoder().decode(events.get(1).path("data_base64").asString()))
                .containsExactly(0, 0xff, 7);
    }

    @Test
    void aMissingRequiredAttributeIsA400AndStoresNothing() {
        createTopic("ce-invalid", 1);
        client().post().uri("/v1/topics/ce-invalid/records").contentType(STRUCTURED)
                .bodyValue("{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"t\"}")
                .exchange().expectStatus().isEqualTo(HttpStatus.BAD_REQUEST)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://backbone.dev/problems/invalid-cloudevent")
                .jsonPath("$.attribute").isEqualTo("source");
        client().post().uri("/v1/topics/ce-invalid/records").contentType(BATCH)
                .bodyValue("[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"},"
                        + "{\"specversion\":\"2.0\",\"id\":\"2\",\"source\":\"/s\",\"type\":\"t\"}]")
                .exchange().expectStatus().isEqualTo(HttpStatus.BAD_REQUEST)
                .expectBody().jsonPath("$.eventIndex").isEqualTo(1);
        client().post().uri("/v1/topics/ce-invalid/records").contentType(MediaType.TEXT_PLAIN)
                .header("ce-specversion", "1.0").header("ce-source", "/s").header("ce-type", "t")
                .bodyValue("x")
                .exchange().expectStatus().isEqualTo(HttpStatus.BAD_REQUEST)
                .expectBody().jsonPath("$.attribute").isEqualTo("id");

        client().get().uri("/v1/topics/ce-invalid").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.partitions[0].endOffset").isEqualTo(0);
    }

    @Test
    void recordsNotStoredFromCloudEventsAreServedAsSynthesizedEvents() {
        createTopic("ce-plain", 1);
        client().post().uri("/v1/topics/ce-plain/records").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"records\": [{\"key\": \"k\", \"value\": {\"n\": 1}}]}")
                .exchange().expectStatus().isOk();

        JsonNode event = consumeEvents("ce-plain", 0, 0).get(0);

        assertThat(event.path("specversion").asString()).isEqualTo("1.0");
        assertThat(event.path("id").asString()).isEqualTo("ce-plain-0-0");
        assertThat(event.path("source").asString()).isEqualTo("/v1/topics/ce-plain/partitions/0");
        assertThat(event.path("type").asString()).isEqualTo("dev.backbone.record");
        assertThat(event.path("partitionkey").asString()).isEqualTo("k");
        assertThat(event.path("data")).isEqualTo(json("{\"n\": 1}"));
    }

    private void createTopic(String name, int partitions) {
        client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"" + name + "\", \"partitions\": " + partitions + "}")
                .exchange().expectStatus().isCreated();
    }

    private JsonNode post(String topic, MediaType type, String body) {
        return json(client().post().uri("/v1/topics/" + topic + "/records").contentType(type).bodyValue(body)
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
    }

    private byte[] consumeRaw(String topic, int partition, long offset) {
        return client().get().uri("/v1/topics/" + topic + "/partitions/" + partition + "/records?offset=" + offset)
                .accept(BATCH).exchange().expectStatus().isOk()
                .expectHeader().contentType(BATCH)
                .expectHeader().exists("Backbone-Next-Offset")
                .expectBody().returnResult().getResponseBody();
    }

    private JsonNode consumeEvents(String topic, int partition, long offset) {
        return json(consumeRaw(topic, partition, offset));
    }
}
