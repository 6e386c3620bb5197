package dev.backbone.server.http;

import static dev.backbone.server.http.TopicsApiTest.problem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.client.Murmur2Partitioner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import tools.jackson.databind.JsonNode;

class JsonProduceConsumeTest extends BrokerIntegrationTest {

    @Test
    void valuesOfEveryJsonKindRoundTrip() {
        createTopic("kinds", 1);
        String[] values = {"{\"total\": 12.50, \"items\": [1, 2, {\"sku\": \"a\"}]}", "[1,2,3]", "\"text\"",
                "12345678901234567890.000000000000000001", "true", "false", "-0.5e10", "{}", "[]", "\"\u00e9\u20ac\""};
        StringBuilder body = new StringBuilder("{\"records\": [");
        for (int i = 0; i < values.length; i++) {
            body.append(i == 0 ? "" : ",").append("{\"key\": \"k").append(i).append("\", \"value\": ")
                    .append(values[i]).append("}");
        }
        body.append("]}");
        JsonNode answer = produce("kinds", body.toString());
        assertThat(answer.path("offsets")).hasSize(values.length);
        for (int i = 0; i < values.length; i++) {
            assertThat(answer.path("offsets").get(i).path("offset").asLong()).isEqualTo(i);
            assertThat(answer.path("offsets").get(i).path("partition").asInt()).isZero();
        }
        JsonNode records = consume("kinds", 0, "offset=0").path("records");
        assertThat(records).hasSize(values.length);
        for (int i = 0; i < values.length; i++) {
            JsonNode record = records.get(i);
            assertThat(record.path("offset").asLong()).isEqualTo(i);
            assertThat(record.path("key").asString()).isEqualTo("k" + i);
            assertThat(record.has("valueEncoding")).isFalse();
            assertThat(record.path("value")).isEqualTo(json(values[i]));
            assertThat(record.path("timestamp").asLong()).isPositive();
        }
        // The value is stored as the client's JSON text: the big number keeps every digit.
        String raw = new String(client().get().uri("/v1/topics/kinds/partitions/0/records?offset=3&maxBytes=1")
                .exchange().expectBody().returnResult().getResponseBody(), StandardCharsets.UTF_8);
        assertThat(raw).contains("12345678901234567890.000000000000000001");
    }

    @Test
    void bytesThatAreNotJsonComeBackAsBase64() {
        createTopic("binary-values", 1);
        byte[] bytes = {0, (byte) 0xff, (byte) 0xfe, 'x'};
        String b64 = Base64.getEncoder().encodeToString(bytes);
        produce("binary-values", "{\"records\": [{\"key\": \"" + b64 + "\", \"keyEncoding\": \"base64\", \"value\": \""
                + b64 + "\", \"valueEncoding\": \"base64\"}, {\"value\": \"aGVsbG8=\", \"valueEncoding\": \"base64\"},"
                + " {\"value\": null}, {}]}");
        JsonNode records = consume("binary-values", 0, "offset=0").path("records");
        assertThat(records).hasSize(4);
        assertThat(records.get(0).path("valueEncoding").asString()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(records.get(0).path("value").asString())).isEqualTo(bytes);
        assertThat(records.get(0).path("keyEncoding").asString()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(records.get(0).path("key").asString())).isEqualTo(bytes);
        // "hello" is not one JSON text, so it is given back as base64 too.
        assertThat(records.get(1).path("value").asString()).isEqualTo("aGVsbG8=");
        assertThat(records.get(1).path("valueEncoding").asString()).isEqualTo("base64");
        assertThat(records.get(2).path("value").isNull()).isTrue();
        assertThat(records.get(3).path("value").isNull()).isTrue();
        assertThat(records.get(3).has("key")).isFalse();
    }

    @Test
    void headersRoundTripIncludingRepeatsNullsAndBinary() {
        createTopic("headers", 1);
        produce("headers", "{\"records\": [{\"value\": 1, \"headers\": {\"a\": \"1\", \"dup\": [\"x\", \"y\"],"
                + " \"none\": null, \"bin\": {\"base64\": \"/w==\"}}}]}");
        JsonNode headers = consume("headers", 0, "offset=0").path("records").get(0).path("headers");
        assertThat(headers.path("a").asString()).isEqualTo("1");
        assertThat(headers.path("dup")).hasSize(2);
        assertThat(headers.path("dup").get(1).asString()).isEqualTo("y");
        assertThat(headers.path("none").isNull()).isTrue();
        assertThat(headers.path("bin").path("base64").asString()).isEqualTo("/w==");
    }

    @Test
    void keyedRecordsGoWhereKafkaWouldPutThemAndOthersSpreadEvenly() {
        createTopic("spread", 4);
        StringBuilder body = new StringBuilder("{\"records\": [");
        for (int i = 0; i < 40; i++) {
            body.append(i == 0 ? "" : ",").append("{\"key\": \"user-").append(i).append("\", \"value\": ")
                    .append(i).append("}");
        }
        for (int i = 0; i < 40; i++) {
            body.append(",{\"value\": ").append(i).append("}");
        }
        body.append(", {\"key\": \"pinned\", \"partition\": 3, \"value\": 0}]}");
        JsonNode offsets = produce("spread", body.toString()).path("offsets");
        assertThat(offsets).hasSize(81);
        Map<Integer, Integer> unkeyedPerPartition = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            int expected = Murmur2Partitioner.partition(("user-" + i).getBytes(StandardCharsets.UTF_8), 4);
            assertThat(offsets.get(i).path("partition").asInt()).as("record %d", i).isEqualTo(expected);
        }
        for (int i = 40; i < 80; i++) {
            unkeyedPerPartition.merge(offsets.get(i).path("partition").asInt(), 1, Integer::sum);
        }
        assertThat(unkeyedPerPartition).containsOnlyKeys(0, 1, 2, 3).allSatisfy((p, n) -> assertThat(n).isEqualTo(10));
        assertThat(offsets.get(80).path("partition").asInt()).isEqualTo(3);
        // Offsets within a partition follow request order and are contiguous.
        Map<Integer, List<Long>> perPartition = new HashMap<>();
        for (JsonNode o : offsets) {
            perPartition.computeIfAbsent(o.path("partition").asInt(), p -> new ArrayList<>()).add(o.path("offset")
                    .asLong());
        }
        perPartition.values().forEach(list -> {
            for (int i = 0; i < list.size(); i++) {
                assertThat(list.get(i)).isEqualTo((long) i);
            }
        });
        // Each record is where the answer said.
        for (int i = 0; i < 40; i++) {
            JsonNode o = offsets.get(i);
            JsonNode record = consume("spread", o.path("partition").asInt(), "offset=" + o.path("offset").asLong()
                    + "&maxBytes=1").path("records").get(0);
            assertThat(record.path("key").asString()).isEqualTo("user-" + i);
            assertThat(record.path("value").asInt()).isEqualTo(i);
        }
    }

    @Test
    void producingToAMissingTopicCreatesIt() {
        produce("auto-created", "{\"records\": [{\"value\": {\"a\": 1}}]}");
        JsonNode topic = json(client().get().uri("/v1/topics/auto-created").exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody());
        assertThat(topic.path("partitions")).hasSize(1);
        assertThat(topic.path("partitions").get(0).path("endOffset").asLong()).isEqualTo(1);
    }

    @Test
    void producingToOnePartitionPutsEveryRecordThere() {
        createTopic("one-partition", 3);
        JsonNode offsets = json(client().post().uri("/v1/topics/one-partition/partitions/2/records")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"records\": [{\"key\": \"a\", \"value\": 1}, {\"value\": 2}]}")
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody()).path("offsets");
        assertThat(offsets.findValues("partition")).allSatisfy(p -> assertThat(p.asInt()).isEqualTo(2));
        problem(client().post().uri("/v1/topics/one-partition/partitions/2/records")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"records\": [{\"partition\": 1, \"value\": 1}]}")
                .exchange().expectStatus().isBadRequest().expectBody().returnResult().getResponseBody(),
                "invalid-parameter", 400);
    }

    @Test
    void consumeAnswersCarryOffsetHeadersAndSupportEarliestAndLatest() {
        createTopic("positions", 1);
        produce("positions", "{\"records\": [{\"value\": 1}, {\"value\": 2}, {\"value\": 3}]}");
        EntityExchangeResult<byte[]> result = client().get().uri("/v1/topics/positions/partitions/0/records"
                        + "?offset=1").exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectHeader().valueEquals(BackboneHeaders.LOG_START_OFFSET, "0")
                .expectHeader().valueEquals(BackboneHeaders.END_OFFSET, "3")
                .expectHeader().valueEquals(BackboneHeaders.NEXT_OFFSET, "3")
                .expectBody().returnResult();
        JsonNode body = json(result.getResponseBody());
        // The batch holding offset 1 starts at 0; the answer skips what was not asked for.
        assertThat(body.path("records").findValues("offset")).extracting(JsonNode::asLong).containsExactly(1L, 2L);
        assertThat(body.path("nextOffset").asLong()).isEqualTo(3);
        assertThat(body.path("endOffset").asLong()).isEqualTo(3);

        assertThat(consume("positions", 0, "offset=earliest").path("records")).hasSize(3);
        JsonNode latest = consume("positions", 0, "offset=latest");
        assertThat(latest.path("records")).isEmpty();
        assertThat(latest.path("nextOffset").asLong()).isEqualTo(3);
        assertThat(consume("positions", 0, "").path("records")).hasSize(3);
    }

    @Test
    void outOfRangeOffsetIs416WithTheValidRange() {
        createTopic("range", 1);
        produce("range", "{\"records\": [{\"value\": 1}, {\"value\": 2}]}");
        JsonNode problem = problem(client().get().uri("/v1/topics/range/partitions/0/records?offset=3").exchange()
                .expectStatus().isEqualTo(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().returnResult().getResponseBody(), "offset-out-of-range", 416);
        assertThat(problem.path("startOffset").asLong()).isZero();
        assertThat(problem.path("endOffset").asLong()).isEqualTo(2);
        assertThat(problem.path("offset").asLong()).isEqualTo(3);
    }

    @Test
    void unknownTopicAndPartitionAre404() {
        createTopic("known", 2);
        problem(client().get().uri("/v1/topics/unknown-topic/partitions/0/records").exchange()
                .expectStatus().isNotFound().expectBody().returnResult().getResponseBody(), "unknown-topic", 404);
        JsonNode problem = problem(client().get().uri("/v1/topics/known/partitions/2/records").exchange()
                .expectStatus().isNotFound().expectBody().returnResult().getResponseBody(), "unknown-partition", 404);
        assertThat(problem.path("partitionCount").asInt()).isEqualTo(2);
        problem(client().post().uri("/v1/topics/known/records").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"records\": [{\"value\": 1}, {\"partition\": 5, \"value\": 2}]}").exchange()
                .expectStatus().isNotFound().expectBody().returnResult().getResponseBody(), "unknown-partition", 404);
        JsonNode described = json(client().get().uri("/v1/topics/known").exchange().expectBody().returnResult()
                .getResponseBody());
        assertThat(described.path("partitions").findValues("endOffset")).allSatisfy(e -> assertThat(e.asLong())
                .isZero());
    }

    @Test
    void malformedBodiesAre400AndAppendNothing() {
        createTopic("malformed", 1);
        for (String body : new String[] {"{", "[]", "{\"records\": {}}", "{\"records\": []}", "{\"records\": [1]}",
                "{\"records\": [{\"value\": 1}], \"extra\": 1}", "{\"records\": [{\"valu\": 1}]}",
                "{\"records\": [{\"key\": 5}]}", "{\"records\": [{\"partition\": \"0\"}]}",
                "{\"records\": [{\"value\": \"%%%\", \"valueEncoding\": \"base64\"}]}",
                "{\"records\": [{\"value\": 1}]} trailing", "{\"records\": [{\"headers\": {\"h\": 1}}]}",
                "{\"records\": [{\"value\": 1}, {\"value\": }]}"}) {
            problem(client().post().uri("/v1/topics/malformed/records").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body).exchange().expectStatus().isBadRequest().expectBody().returnResult()
                    .getResponseBody(), "malformed-json", 400);
        }
        assertThat(consume("malformed", 0, "offset=0").path("records")).isEmpty();
    }

    @Test
    void badParametersAre400() {
        createTopic("params", 1);
        for (String query : new String[] {"offset=-1", "offset=soon", "maxBytes=0", "maxBytes=x", "maxWaitMs=-5"}) {
            JsonNode problem = problem(client().get().uri("/v1/topics/params/partitions/0/records?" + query)
                    .exchange().expectStatus().isBadRequest().expectBody().returnResult().getResponseBody(),
                    "invalid-parameter", 400);
            assertThat(problem.path("parameter").asString()).isNotEmpty();
        }
        problem(client().get().uri("/v1/topics/params/partitions/zero/records").exchange()
                .expectStatus().isBadRequest().expectBody().returnResult().getResponseBody(), "invalid-parameter", 400);
        problem(client().post().uri("/v1/topics/params/records?flush=always").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"records\": [{\"value\": 1}]}").exchange().expectStatus().isBadRequest()
                .expectBody().returnResult().getResponseBody(), "invalid-parameter", 400);
        assertThat(consume("params", 0, "offset=0").path("records")).isEmpty();
    }

    @Test
    void flushSyncIsAcceptedPerRequest() {
        createTopic("synced", 1);
        JsonNode offsets = json(client().post().uri("/v1/topics/synced/records?flush=sync")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"records\": [{\"value\": 1}]}")
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
        assertThat(offsets.path("offsets").get(0).path("offset").asLong()).isZero();
        assertThat(consume("synced", 0, "offset=0").path("records")).hasSize(1);
    }

    @Test
    void concurrentRequestsToOnePartitionEachGetContiguousOffsets() throws Exception {
        createTopic("contiguous", 1);
        int requests = 16;
        int perRequest = 50;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<JsonNode>> answers = new ArrayList<>();
            for (int r = 0; r < requests; r++) {
                StringBuilder body = new StringBuilder("{\"records\": [");
                for (int i = 0; i < perRequest; i++) {
                    body.append(i == 0 ? "" : ",").append("{\"value\": {\"request\": ").append(r)
                            .append(", \"i\": ").append(i).append("}}");
                }
                String request = body.append("]}").toString();
                answers.add(pool.submit(() -> produce("contiguous", request)));
            }
            for (int r = 0; r < requests; r++) {
                JsonNode offsets = answers.get(r).get(60, java.util.concurrent.TimeUnit.SECONDS).path("offsets");
                long first = offsets.get(0).path("offset").asLong();
                for (int i = 0; i < perRequest; i++) {
                    assertThat(offsets.get(i).path("offset").asLong()).as("request %d record %d", r, i)
                            .isEqualTo(first + i);
                }
                JsonNode stored = consume("contiguous", 0, "offset=" + first + "&maxBytes=1").path("records");
                assertThat(stored.get(0).path("value").path("request").asInt()).isEqualTo(r);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(consume("contiguous", 0, "offset=latest").path("nextOffset").asLong())
                .isEqualTo((long) requests * perRequest);
    }

    protected void createTopic(String name, int partitions) {
        client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"" + name + "\", \"partitions\": " + partitions + "}")
                .exchange().expectStatus().isCreated();
    }

    protected JsonNode produce(String topic, String body) {
        return json(client().post().uri("/v1/topics/" + topic + "/records").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody().returnResult().getResponseBody());
    }

    protected JsonNode consume(String topic, int partition, String query) {
        return json(client().get().uri("/v1/topics/" + topic + "/partitions/" + partition + "/records?" + query)
                .accept(MediaType.APPLICATION_JSON).exchange().expectStatus().isOk().expectBody().returnResult()
                .getResponseBody());
    }
}
