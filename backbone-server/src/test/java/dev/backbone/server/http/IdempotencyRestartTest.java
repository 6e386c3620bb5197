package dev.backbone.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.client.batch.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Idempotency-Keys across broker restarts: a retry sent to the next run of the broker gets the first answer and
 * appends nothing (JSON, binary and streaming produce), and the journal topic's retention follows the configured
 * window.
 */
class IdempotencyRestartTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BODY = "{\"records\": [{\"key\": \"a\", \"value\": 1}, {\"key\": \"b\", \"value\": 2},"
            + " {\"value\": 3}]}";

    @TempDir
    Path dataDir;

    @Test
    void aRetryAfterARestartGetsTheFirstAnswerAndAppendsNothing() {
        byte[] batch = batch();
        String jsonAnswer;
        String batchAnswer;
        String streamAnswer;
        try (BrokerProcess broker = BrokerProcess.start(dataDir, "backbone.idempotency.window=5m")) {
            broker.client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"name\": \"retried\", \"partitions\": 3}").exchange().expectStatus().isCreated();
            jsonAnswer = produceJson(broker, "key-json").expectHeader().doesNotExist("Idempotent-Replayed")
                    .expectBody(String.class).returnResult().getResponseBody();
            batchAnswer = produceBatch(broker, "key-batch", batch).expectHeader().doesNotExist("Idempotent-Replayed")
                    .expectBody(String.class).returnResult().getResponseBody();
            streamAnswer = produceStream(broker, "key-stream").expectHeader().doesNotExist("Idempotent-Replayed")
                    .expectBody(String.class).returnResult().getResponseBody();
            assertThat(streamAnswer.lines()).hasSize(3);
        }
        long[] endsBefore;
        try (BrokerProcess broker = BrokerProcess.start(dataDir, "backbone.idempotency.window=20m")) {
            endsBefore = endOffsets(broker);
            String jsonRetry = produceJson(broker, "key-json").expectHeader().valueEquals("Idempotent-Replayed", "true")
                    .expectBody(String.class).returnResult().getResponseBody();
            assertThat(JSON.readTree(jsonRetry)).isEqualTo(JSON.readTree(jsonAnswer));
            String batchRetry = produceBatch(broker, "key-batch", batch)
                    .expectHeader().valueEquals("Idempotent-Replayed", "true")
                    .expectBody(String.class).returnResult().getResponseBody();
            assertThat(JSON.readTree(batchRetry)).isEqualTo(JSON.readTree(batchAnswer));
            String streamRetry = produceStream(broker, "key-stream")
                    .expectHeader().valueEquals("Idempotent-Replayed", "true")
                    .expectBody(String.class).returnResult().getResponseBody();
            assertThat(streamRetry).isEqualTo(streamAnswer);
            assertThat(endOffsets(broker)).containsExactly(endsBefore);

            // The same key for another body is still refused, and a new key appends.
            broker.client().post().uri("/v1/topics/retried/records").header("Idempotency-Key", "key-json")
                    .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"records\": [{\"value\": 4}]}")
                    .exchange().expectStatus().isEqualTo(422);
            produceJson(broker, "key-new").expectHeader().doesNotExist("Idempotent-Replayed");

            JsonNode journal = JSON.readTree(broker.client().get().uri("/v1/topics/__backbone_idempotency")
                    .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody());
            assertThat(journal.path("config").path("retention.ms").asString()).isEqualTo("1200000");
            assertThat(journal.path("partitions").get(0).path("endOffset").asLong()).isEqualTo(4);
        }
    }

    private static org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec produceJson(
            BrokerProcess broker, String key) {
        return broker.client().post().uri("/v1/topics/retried/records").header("Idempotency-Key", key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(BODY).exchange().expectStatus().isOk();
    }

    private static org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec produceBatch(
            BrokerProcess broker, String key, byte[] batch) {
        return broker.client().post().uri("/v1/topics/retried/partitions/1/records").header("Idempotency-Key", key)
                .contentType(MediaType.parseMediaType("application/vnd.backbone.batch")).bodyValue(batch)
                .exchange().expectStatus().isOk();
    }

    private static org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec produceStream(
            BrokerProcess broker, String key) {
        return broker.client().post().uri("/v1/topics/retried/records").header("Idempotency-Key", key)
                .contentType(MediaType.APPLICATION_NDJSON)
                .bodyValue("{\"key\": \"s\", \"value\": 1}\n{\"value\": 2}\n{\"value\": 3}\n")
                .exchange().expectStatus().isOk();
    }

    private static long[] endOffsets(BrokerProcess broker) {
        JsonNode topic = JSON.readTree(broker.client().get().uri("/v1/topics/retried").exchange().expectStatus()
                .isOk().expectBody(String.class).returnResult().getResponseBody());
        long[] ends = new long[3];
        for (int p = 0; p < 3; p++) {
            ends[p] = topic.path("partitions").get(p).path("endOffset").asLong();
        }
        return ends;
    }

    private static byte[] batch() {
        ByteBuffer built = new RecordBatchBuilder().add(1L, null, new byte[] {1, 2, 3})
                .add(2L, null, new byte[] {4}).build();
        byte[] bytes = new byte[built.remaining()];
        built.get(bytes);
        return bytes;
    }
}
