package dev.backbone.server.http;

import static dev.backbone.server.http.TopicsApiTest.problem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.RecordBatchDecoder;
import dev.backbone.server.log.LogManager;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A broker stopped and started again on the same directory keeps its topics and records, skips recovery after a
 * clean stop, and, with less free space than its reserve, refuses writes with 507 while reads go on.
 */
class RestartAndFullDiskTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dataDir;

    @Test
    void restartKeepsDataAndAFullDiskRefusesWritesButNotReads() {
        byte[] batches = BinaryProduceConsumeTest.concat(BinaryProduceConsumeTest.batch(3, "b"));
        try (BrokerProcess broker = BrokerProcess.start(dataDir)) {
            broker.client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"name\": \"kept\", \"partitions\": 2, \"config\": {\"retention.ms\": 3600000}}")
                    .exchange().expectStatus().isCreated();
            broker.client().post().uri("/v1/topics/kept/partitions/0/records").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"records\": [{\"key\": \"a\", \"value\": {\"n\": 1}}, {\"value\": [2]}]}")
                    .exchange().expectStatus().isOk();
            broker.client().post().uri("/v1/topics/kept/partitions/1/records").contentType(BackboneMediaTypes.BATCH)
                    .bodyValue(batches).exchange().expectStatus().isOk();
        }

        try (BrokerProcess broker = BrokerProcess.start(dataDir, "backbone.storage.min-free-bytes=1024TB",
                "management.endpoint.health.show-details=always")) {
            assertThat(broker.bean(LogManager.class).startedAfterCleanShutdown()).isTrue();
            JsonNode topic = JSON.readTree(broker.client().get().uri("/v1/topics/kept").exchange()
                    .expectStatus().isOk().expectBody().returnResult().getResponseBody());
            assertThat(topic.path("partitions").get(0).path("endOffset").asLong()).isEqualTo(2);
            assertThat(topic.path("partitions").get(1).path("endOffset").asLong()).isEqualTo(3);
            assertThat(topic.path("config").path("retention.ms").asString()).isEqualTo("3600000");

            JsonNode records = JSON.readTree(broker.client().get().uri("/v1/topics/kept/partitions/0/records")
                    .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody()).path("records");
            assertThat(records).hasSize(2);
            assertThat(records.get(0).path("value").path("n").asInt()).isEqualTo(1);
            byte[] served = broker.client().get().uri("/v1/topics/kept/partitions/1/records")
                    .accept(BackboneMediaTypes.BATCH).exchange().expectStatus().isOk().expectBody().returnResult()
                    .getResponseBody();
            assertThat(RecordBatchDecoder.decodeAll(ByteBuffer.wrap(served))).extracting(Record::offset)
                    .containsExactly(0L, 1L, 2L);

            JsonNode full = problem(broker.client().post().uri("/v1/topics/kept/records")
                    .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"records\": [{\"value\": 3}]}")
                    .exchange().expectStatus().isEqualTo(507).expectBody().returnResult().getResponseBody(),
                    "insufficient-storage", 507);
            assertThat(full.path("minFreeBytes").asLong()).isEqualTo(1L << 50);
            problem(broker.client().post().uri("/v1/topics/kept/partitions/1/records")
                    .contentType(BackboneMediaTypes.BATCH).bodyValue(batches).exchange()
                    .expectStatus().isEqualTo(507).expectBody().returnResult().getResponseBody(),
                    "insufficient-storage", 507);
            problem(broker.client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"name\": \"new-one\"}").exchange()
                    .expectStatus().isEqualTo(507).expectBody().returnResult().getResponseBody(),
                    "insufficient-storage", 507);
            problem(broker.client().post().uri("/v1/topics/not-yet/records").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"records\": [{\"value\": 3}]}").exchange()
                    .expectStatus().isEqualTo(507).expectBody().returnResult().getResponseBody(),
                    "insufficient-storage", 507);

            JsonNode after = JSON.readTree(broker.client().get().uri("/v1/topics/kept").exchange()
                    .expectBody().returnResult().getResponseBody());
            assertThat(after.path("partitions").get(0).path("endOffset").asLong()).isEqualTo(2);
            assertThat(after.path("partitions").get(1).path("endOffset").asLong()).isEqualTo(3);
            broker.client().get().uri("/v1/topics/not-yet").exchange().expectStatus().isNotFound();

            JsonNode health = JSON.readTree(broker.client().get().uri("/actuator/health").exchange()
                    .expectStatus().isEqualTo(503).expectBody().returnResult().getResponseBody());
            assertThat(health.path("components").path("dataDirectory").path("status").asString()).isEqualTo("DOWN");
            assertThat(health.path("components").path("dataDirectory").path("details").path("writesRefused")
                    .asBoolean()).isTrue();
            broker.client().get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
            broker.client().get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        }
    }

    @Test
    void smallLimitsAndAShortLongPollCapApply() {
        try (BrokerProcess broker = BrokerProcess.start(dataDir, "backbone.limits.max-request-bytes=2KB",
                "backbone.limits.max-record-bytes=100B", "backbone.long-poll.max-wait=300ms")) {
            String big = "x".repeat(3000);
            JsonNode tooLarge = problem(broker.client().post().uri("/v1/topics/limits/records")
                    .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"records\": [{\"value\": \"" + big + "\"}]}")
                    .exchange().expectStatus().isEqualTo(413).expectBody().returnResult().getResponseBody(),
                    "request-too-large", 413);
            assertThat(tooLarge.path("limitBytes").asInt()).isEqualTo(2048);
            problem(broker.client().post().uri("/v1/topics/limits/records").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"records\": [{\"value\": \"" + "y".repeat(200) + "\"}]}").exchange()
                    .expectStatus().isEqualTo(413).expectBody().returnResult().getResponseBody(),
                    "record-too-large", 413);
            broker.client().post().uri("/v1/topics/limits/records").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"records\": [{\"value\": 1}]}").exchange().expectStatus().isOk();
            // Asks for an hour; the broker's cap of 300 ms applies, so the answer comes, empty.
            JsonNode body = JSON.readTree(broker.client().get().uri("/v1/topics/limits/partitions/0/records"
                    + "?offset=1&maxWaitMs=3600000").exchange().expectStatus().isOk().expectBody().returnResult()
                    .getResponseBody());
            assertThat(body.path("records")).isEmpty();
        }
    }
}
