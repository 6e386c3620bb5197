package dev.backbone.server.http.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.client.Murmur2Partitioner;
import dev.backbone.server.http.BrokerIntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import tools.jackson.databind.JsonNode;

class KeyStreamApiTest extends BrokerIntegrationTest {

    @Test
    void appendsWithExpectedVersionsAndReadsByVersion() {
        createTopic("ks-orders", 3);
        int partition = Murmur2Partitioner.partition("order-1".getBytes(StandardCharsets.UTF_8), 3);

        EntityExchangeResult<byte[]> first = append("ks-orders", "order-1", "expectedVersion=-1",
                "{\"records\": [{\"value\": {\"type\": \"Placed\"}}, {\"value\": {\"type\": \"Paid\"}}]}");
        assertThat(first.getStatus().value()).isEqualTo(200);
        assertThat(first.getResponseHeaders().getETag()).isEqualTo("\"1\"");
        JsonNode answer = json(first.getResponseBody());
        assertThat(answer.path("partition").asInt()).isEqualTo(partition);
        assertThat(answer.path("offsets")).hasSize(2);
        assertThat(answer.path("firstVersion").asInt()).isZero();
        assertThat(answer.path("nextExpectedVersion").asInt()).isEqualTo(1);

        EntityExchangeResult<byte[]> conflict = append("ks-orders", "order-1", "expectedVersion=-1",
                "{\"records\": [{\"value\": 1}]}");
        JsonNode problem = problem(conflict, "version-conflict", 409);
        assertThat(problem.path("currentVersion").asInt()).isEqualTo(1);
        assertThat(problem.path("expectedVersion").asInt()).isEqualTo(-1);
        assertThat(problem.path("key").asString()).isEqualTo("order-1");

        JsonNode third = json(append("ks-orders", "order-1", "expectedVersion=1",
                "{\"records\": [{\"key\": \"order-1\", \"value\": {\"type\": \"Shipped\"}}]}").getResponseBody());
        assertThat(third.path("nextExpectedVersion").asInt()).isEqualTo(2);

        EntityExchangeResult<byte[]> read = read("ks-orders", "order-1", "");
        assertThat(read.getResponseHeaders().getETag()).isEqualTo("\"2\"");
        JsonNode stream = json(read.getResponseBody());
        assertThat(stream.path("currentVersion").asInt()).isEqualTo(2);
        assertThat(stream.path("nextVersion").asInt()).isEqualTo(3);
        assertThat(stream.path("partition").asInt()).isEqualTo(partition);
        JsonNode records = stream.path("records");
        assertThat(records).hasSize(3);
        for (int v = 0; v < 3; v++) {
            assertThat(records.get(v).path("version").asInt()).isEqualTo(v);
            assertThat(records.get(v).path("key").asString()).isEqualTo("order-1");
        }
        assertThat(records.get(2).path("value").path("type").asString()).isEqualTo("Shipped");
        assertThat(records.get(2).path("offset").asLong()).isEqualTo(third.path("offsets").get(0).asLong());

        JsonNode page = json(read("ks-orders", "order-1", "fromVersion=1&limit=1").getResponseBody());
        assertThat(page.path("records")).hasSize(1);
        assertThat(page.path("records").get(0).path("version").asInt()).isEqualTo(1);
        assertThat(page.path("nextVersion").asInt()).isEqualTo(2);
    }

    @Test
    void ordinaryProduceWithAKeyAdvancesTheVersion() {
        createTopic("ks-mixed", 2);
        client().post().uri("/v1/topics/ks-mixed/records").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"records\": [{\"key\": \"cart-9\", \"value\": 1}, {\"key\": \"other\", \"value\": 2},"
                        + " {\"key\": \"cart-9\", \"value\": 3}]}")
                .exchange().expectStatus().isOk();

        JsonNode stream = json(read("ks-mixed", "cart-9", "").getResponseBody());
        assertThat(stream.path("currentVersion").asInt()).isEqualTo(1);
        assertThat(stream.path("records")).extracting(r -> r.path("value").asInt()).containsExactly(1, 3);
        problem(append("ks-mixed", "cart-9", "expectedVersion=0", "{\"records\": [{\"value\": 4}]}"),
                "version-conflict", 409);
        assertThat(append("ks-mixed", "cart-9", "expectedVersion=1", "{\"records\": [{\"value\": 4}]}")
                .getStatus().value()).isEqualTo(200);
    }

    @Test
    void etagsAndHttpPreconditions() {
        createTopic("ks-etag", 1);
        EntityExchangeResult<byte[]> empty = read("ks-etag", "acct-1", "");
        assertThat(empty.getStatus().value()).isEqualTo(200);
        assertThat(empty.getResponseHeaders().getETag()).isEqualTo("\"-1\"");
        assertThat(json(empty.getResponseBody()).path("currentVersion").asInt()).isEqualTo(-1);
        assertThat(json(empty.getResponseBody()).path("records")).isEmpty();

        problem(appendWithHeader("ks-etag", "acct-1", "If-Match", "*"), "precondition-failed", 412);
        assertThat(appendWithHeader("ks-etag", "acct-1", "If-None-Match", "*").getStatus().value()).isEqualTo(200);
        problem(appendWithHeader("ks-etag", "acct-1", "If-None-Match", "*"), "precondition-failed", 412);
        JsonNode stale = problem(appendWithHeader("ks-etag", "acct-1", "If-Match", "\"5\""), "precondition-failed",
                412);
        assertThat(stale.path("currentVersion").asInt()).isZero();
        EntityExchangeResult<byte[]> ok = appendWithHeader("ks-etag", "acct-1", "If-Match", "\"0\"");
        assertThat(ok.getResponseHeaders().getETag()).isEqualTo("\"1\"");
        assertThat(appendWithHeader("ks-etag", "acct-1", "If-Match", "W/\"1\"").getStatus().value())
                .as("If-Match compares strongly").isEqualTo(412);
        assertThat(appendWithHeader("ks-etag", "acct-1", "If-Match", "\"7\", \"1\"").getStatus().value())
                .isEqualTo(200);

        client().get().uri("/v1/topics/ks-etag/keys/acct-1/records").header("If-None-Match", "\"2\"")
                .exchange().expectStatus().isNotModified().expectHeader().valueEquals("ETag", "\"2\"");
        client().get().uri("/v1/topics/ks-etag/keys/acct-1/records").header("If-None-Match", "\"1\"")
                .exchange().expectStatus().isOk();
    }

    @Test
    void keysThatAreNotUtf8TravelAsBase64() {
        createTopic("ks-bytes", 2);
        byte[] key = {0, (byte) 0xff, 10, (byte) 0xfe};
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(key);
        assertThat(client().post().uri("/v1/topics/ks-bytes/keys/" + encoded + "/records?keyEncoding=base64")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"records\": [{\"value\": 1}]}")
                .exchange().expectBody().returnResult().getStatus().value()).isEqualTo(200);
        JsonNode stream = json(read("ks-bytes", encoded, "keyEncoding=base64").getResponseBody());
        assertThat(stream.path("partition").asInt()).isEqualTo(Murmur2Partitioner.partition(key, 2));
        assertThat(stream.path("records")).hasSize(1);
        assertThat(stream.path("records").get(0).path("keyEncoding").asString()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(stream.path("records").get(0).path("key").asString())).isEqualTo(key);
    }

    @Test
    void badInputIsAProblemAndChangesNothing() {
        createTopic("ks-bad", 1);
        append("ks-bad", "k", "", "{\"records\": [{\"value\": 1}]}");

        problem(append("ks-bad", "k", "expectedVersion=abc", "{\"records\": [{\"value\": 1}]}"),
                "invalid-parameter", 400);
        problem(append("ks-bad", "k", "expectedVersion=-2", "{\"records\": [{\"value\": 1}]}"),
                "invalid-parameter", 400);
        problem(append("ks-bad", "k", "expectedVersion=0", "{\"records\": [{\"value\": 1}"), "malformed-json", 400);
        problem(append("ks-bad", "k", "expectedVersion=0", "{\"records\": []}"), "malformed-json", 400);
        problem(append("ks-bad", "k", "expectedVersion=0", "{\"records\": [{\"key\": \"other\", \"value\": 1}]}"),
                "invalid-parameter", 400);
        problem(append("ks-bad", "k", "expectedVersion=0", "{\"records\": [{\"partition\": 7, \"value\": 1}]}"),
                "invalid-parameter", 400);
        problem(appendWithHeader("ks-bad", "k", "If-Match", "five"), "invalid-parameter", 400);
        problem(append("ks-bad", "k", "keyEncoding=base64", "{\"records\": [{\"value\": 1}]}"), "invalid-parameter",
                400);
        problem(append("ks-bad", "k", "flush=sometimes", "{\"records\": [{\"value\": 1}]}"), "invalid-parameter",
                400);
        problem(read("ks-bad", "k", "limit=0"), "invalid-parameter", 400);
        problem(read("ks-bad", "k", "fromVersion=-1"), "invalid-parameter", 400);
        problem(read("ks-no-such-topic", "k", ""), "unknown-topic", 404);
        problem(read("__backbone_internal_probe", "k", ""), "unknown-topic", 404);
        EntityExchangeResult<byte[]> unsupported = client().post().uri("/v1/topics/ks-bad/keys/k/records")
                .contentType(MediaType.TEXT_PLAIN).bodyValue("hello").exchange().expectBody().returnResult();
        problem(unsupported, "unsupported-media-type", 415);

        JsonNode stream = json(read("ks-bad", "k", "").getResponseBody());
        assertThat(stream.path("currentVersion").asInt()).isZero();
        assertThat(stream.path("records")).hasSize(1);
    }

    @Test
    void concurrentWritersGetExactlyOneWinnerPerVersion() throws Exception {
        createTopic("ks-race", 2);
        int writers = 6;
        int winsEach = 8;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        Map<Integer, String> winnerOf = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> conflicts = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            String writer = "w" + w;
            conflicts.add(pool.submit(() -> {
                start.await();
                int won = 0;
                int lost = 0;
                for (int attempt = 0; won < winsEach && attempt < 2_000; attempt++) {
                    HttpResponse<String> current = http.send(HttpRequest.newBuilder(
                                    URI.create(baseUrl() + "/v1/topics/ks-race/keys/agg/records?limit=1&fromVersion="
                                            + Integer.MAX_VALUE)).timeout(Duration.ofSeconds(30)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    int version = json(current.body()).path("currentVersion").asInt();
                    HttpResponse<String> result = http.send(HttpRequest.newBuilder(URI.create(baseUrl()
                                    + "/v1/topics/ks-race/keys/agg/records?expectedVersion=" + version))
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"records\": [{\"value\": \"" + writer + "\"}]}"))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    if (result.statusCode() == 200) {
                        int mine = json(result.body()).path("nextExpectedVersion").asInt();
                        assertThat(mine).isEqualTo(version + 1);
                        assertThat(winnerOf.putIfAbsent(mine, writer)).as("version " + mine + " won twice").isNull();
                        won++;
                    } else {
                        assertThat(result.statusCode()).as(result.body()).isEqualTo(409);
                        lost++;
                    }
                }
                assertThat(won).isEqualTo(winsEach);
                return lost;
            }));
        }
        start.countDown();
        for (Future<Integer> f : conflicts) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();

        int total = writers * winsEach;
        JsonNode stream = json(read("ks-race", "agg", "limit=10000").getResponseBody());
        assertThat(stream.path("currentVersion").asInt()).isEqualTo(total - 1);
        JsonNode records = stream.path("records");
        assertThat(records).hasSize(total);
        for (int v = 0; v < total; v++) {
            assertThat(records.get(v).path("version").asInt()).isEqualTo(v);
            assertThat(records.get(v).path("value").asString()).isEqualTo(winnerOf.get(v));
        }
    }

    private void createTopic(String name, int partitions) {
        client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"" + name + "\", \"partitions\": " + partitions + "}")
                .exchange().expectStatus().isCreated();
    }

    private EntityExchangeResult<byte[]> append(String topic, String key, String query, String body) {
        return client().post().uri("/v1/topics/" + topic + "/keys/" + key + "/records" + (query.isEmpty() ? ""
                        : "?" + query)).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectBody().returnResult();
    }

    private EntityExchangeResult<byte[]> appendWithHeader(String topic, String key, String header, String value) {
        return client().post().uri("/v1/topics/" + topic + "/keys/" + key + "/records").header(header, value)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"records\": [{\"value\": true}]}")
                .exchange().expectBody().returnResult();
    }

    private EntityExchangeResult<byte[]> read(String topic, String key, String query) {
        return client().get().uri("/v1/topics/" + topic + "/keys/" + key + "/records" + (query.isEmpty() ? ""
                : "?" + query)).exchange().expectBody().returnResult();
    }

    static JsonNode problem(EntityExchangeResult<byte[]> result, String slug, int status) {
        assertThat(result.getStatus().value()).as(new String(result.getResponseBody() == null ? new byte[0]
                : result.getResponseBody(), StandardCharsets.UTF_8)).isEqualTo(status);
        assertThat(result.getResponseHeaders().getContentType()).isNotNull();
        assertThat(result.getResponseHeaders().getContentType().toString()).startsWith("application/problem+json");
        JsonNode problem = json(result.getResponseBody());
        assertThat(problem.path("type").asString()).isEqualTo("https://backbone.dev/problems/" + slug);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("detail").asString()).isNotEmpty();
        return problem;
    }
}
