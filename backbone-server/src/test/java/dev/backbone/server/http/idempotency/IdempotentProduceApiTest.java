package dev.backbone.server.http.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.server.http.BrokerIntegrationTest;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

class IdempotentProduceApiTest extends BrokerIntegrationTest {

    private static final MediaType BATCH = MediaType.parseMediaType("application/vnd.backbone.batch");

    @Test
    void aRetryWithTheSameKeyGetsTheOriginalOffsetsAndAppendsNothing() {
        createTopic("idem-json", 2);
        String body = "{\"records\": [{\"key\": \"a\", \"value\": 1}, {\"value\": 2}, {\"value\": 3}]}";

        JsonNode first = json(client().post().uri("/v1/topics/idem-json/records")
                .contentType(MediaType.APPLICATION_JSON).header("Idempotency-Key", "k-1").bodyValue(body)
                .exchange().expectStatus().isOk()
                .expectHeader().doesNotExist(IdempotentRequests.REPLAYED_HEADER)
                .expectBody().returnResult().getResponseBody());
        JsonNode retry = json(client().post().uri("/v1/topics/idem-json/records")
                .contentType(MediaType.APPLICATION_JSON).header("Idempotency-Key", "k-1").bodyValue(body)
                .exchange().expectStatus().isOk()
                .expectHeader().valueEquals(IdempotentRequests.REPLAYED_HEADER, "true")
                .expectBody().returnResult().getResponseBody());

        assertThat(retry).isEqualTo(first);
        assertThat(totalEndOffset("idem-json")).isEqualTo(3);
    }

    @Test
    void theSameKeyWithAnotherBodyIsA422() {
        createTopic("idem-reuse", 1);
        client().post().uri("/v1/topics/idem-reuse/records").contentType(MediaType.APPLICATION_JSON)
                .header("Idempotency-Key", "k").bodyValue("{\"records\": [{\"value\": 1}]}")
                .exchange().expectStatus().isOk();
        client().post().uri("/v1/topics/idem-reuse/records").contentType(MediaType.APPLICATION_JSON)
                .header("Idempotency-Key", "k").bodyValue("{\"records\": [{\"value\": 2}]}")
                .exchange().expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.type").isEqualTo("https://backbone.dev/problems/idempotency-key-reused");
        client().post().uri("/v1/topics/idem-reuse/records").contentType(MediaType.APPLICATION_JSON)
                .header("Idempotency-Key", "bad key").bodyValue("{\"records\": [{\"value\": 2}]}")
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("https://backbone.dev/problems/invalid-parameter");
        assertThat(totalEndOffset("idem-reuse")).isEqualTo(1);
    }

    @Test
    void concurrentRetriesAppendOnceAndAllGetTheSameAnswer() {
        createTopic("idem-race", 1);
        WebClient web = WebClient.builder().baseUrl(baseUrl()).build();
        String body = "{\"records\": [{\"value\": \"once\"}]}";

        List<String> answers = Flux.range(0, 16)
                .flatMap(i -> web.post().uri("/v1/topics/idem-race/records")
                        .contentType(MediaType.APPLICATION_JSON).header("Idempotency-Key", "race")
                        .bodyValue(body).retrieve().bodyToMono(String.class), 16)
                .collectList().block(Duration.ofSeconds(30));

        assertThat(answers).hasSize(16).allSatisfy(a -> assertThat(json(a)).isEqualTo(json(answers.get(0))));
        assertThat(totalEndOffset("idem-race")).isEqualTo(1);
    }

    @Test
    void cloudEventsHonourTheKeyToo() {
        createTopic("idem-ce", 1);
        for (int i = 0; i < 2; i++) {
            client().post().uri("/v1/topics/idem-ce/records").contentType(MediaType.TEXT_PLAIN)
                    .header("Idempotency-Key", "ce-1")
                    .header("ce-specversion", "1.0").header("ce-id", "1").header("ce-source", "/s")
                    .header("ce-type", "t").bodyValue("hello")
                    .exchange().expectStatus().isOk();
        }
        // Same body, other attributes: a different request.
        client().post().uri("/v1/topics/idem-ce/records").contentType(MediaType.TEXT_PLAIN)
                .header("Idempotency-Key", "ce-1")
                .header("ce-specversion", "1.0").header("ce-id", "2").header("ce-source", "/s")
                .header("ce-type", "t").bodyValue("hello")
                .exchange().expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
        assertThat(totalEndOffset("idem-ce")).isEqualTo(1);
    }

    @Test
    void idempotentProducerBatchesAreDeduplicatedBySequence() {
        createTopic("idem-producer", 1);
        JsonNode first = sendBatch(batch(77, 0, "a", "b"), HttpStatus.OK);
        JsonNode retry = sendBatch(batch(77, 0, "a", "b"), HttpStatus.OK);
        JsonNode next = sendBatch(batch(77, 2, "c"), HttpStatus.OK);

        assertThat(first.path("baseOffsets").get(0).asLong()).isZero();
        assertThat(retry).isEqualTo(first);
        assertThat(next.path("baseOffsets").get(0).asLong()).isEqualTo(2);

        JsonNode gap = sendBatch(batch(77, 9, "z"), HttpStatus.CONFLICT);
        assertThat(gap.path("type").asString()).isEqualTo("https://backbone.dev/problems/out-of-order-sequence");
        assertThat(gap.path("expectedSequence").asInt()).isEqualTo(3);
        assertThat(gap.path("sequence").asInt()).isEqualTo(9);
        assertThat(totalEndOffset("idem-producer")).isEqualTo(3);
    }

    @Test
    void aStreamingRetryWithTheSameBodyGetsTheFirstAnswerAgain() {
        createTopic("idem-ndjson", 2);
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 3_000; i++) {
            body.append("{\"value\":").append(i).append("}\n");
        }
        String first = ndjson("idem-ndjson", "s-1", body.toString(), HttpStatus.OK, null);
        String retry = ndjson("idem-ndjson", "s-1", body.toString(), HttpStatus.OK, "true");

        assertThat(first.lines()).hasSize(3_000);
        assertThat(retry).isEqualTo(first);
        assertThat(totalEndOffset("idem-ndjson")).isEqualTo(3_000);

        ndjson("idem-ndjson", "s-1", body + "{\"value\":\"more\"}\n", HttpStatus.UNPROCESSABLE_CONTENT, null);
        client().post().uri("/v1/topics/idem-ndjson/records").contentType(MediaType.APPLICATION_JSON)
                .header("Idempotency-Key", "s-1").bodyValue("{\"records\": [{\"value\": 1}]}")
                .exchange().expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
        assertThat(totalEndOffset("idem-ndjson")).isEqualTo(3_000);
    }

    @Test
    void aStreamThatStoppedAtABadLineReplaysItsErrorToo() {
        createTopic("idem-ndjson-bad", 1);
        String body = "{\"value\":1}\n{\"value\":2}\nnot json\n{\"value\":4}\n";
        String first = ndjson("idem-ndjson-bad", "b-1", body, HttpStatus.OK, null);
        String retry = ndjson("idem-ndjson-bad", "b-1", body, HttpStatus.OK, "true");

        assertThat(first.lines()).hasSize(3);
        assertThat(json(first.lines().toList().get(2)).path("error").path("line").asInt()).isEqualTo(3);
        assertThat(retry).isEqualTo(first);
        assertThat(totalEndOffset("idem-ndjson-bad")).isEqualTo(2);
    }

    private String ndjson(String topic, String key, String body, HttpStatus status, String replayed) {
        var spec = client().post().uri("/v1/topics/" + topic + "/records").contentType(MediaType.APPLICATION_NDJSON)
                .header("Idempotency-Key", key).bodyValue(body).exchange().expectStatus().isEqualTo(status);
        if (replayed != null) {
            spec.expectHeader().valueEquals(IdempotentRequests.REPLAYED_HEADER, replayed);
        }
        byte[] answer = spec.expectBody().returnResult().getResponseBody();
        return answer == null ? "" : new String(answer, StandardCharsets.UTF_8);
    }

    private JsonNode sendBatch(ByteBuffer batch, HttpStatus status) {
        byte[] bytes = new byte[batch.remaining()];
        batch.get(bytes);
        return json(client().post().uri("/v1/topics/idem-producer/partitions/0/records").contentType(BATCH)
                .bodyValue(bytes).exchange().expectStatus().isEqualTo(status)
                .expectBody().returnResult().getResponseBody());
    }

    private static ByteBuffer batch(long producerId, int sequence, String... values) {
        RecordBatchBuilder builder = new RecordBatchBuilder().producer(producerId, (short) 0, sequence);
        for (String value : values) {
            builder.add(System.currentTimeMillis(), null, value.getBytes(StandardCharsets.UTF_8), List.of());
        }
        return builder.build();
    }

    private void createTopic(String name, int partitions) {
        client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"" + name + "\", \"partitions\": " + partitions + "}")
                .exchange().expectStatus().isCreated();
    }

    private long totalEndOffset(String topic) {
        JsonNode partitions = client().get().uri("/v1/topics/" + topic).exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody().path("partitions");
        long total = 0;
        for (JsonNode partition : partitions) {
            total += partition.path("endOffset").asLong();
        }
        return total;
    }
}
