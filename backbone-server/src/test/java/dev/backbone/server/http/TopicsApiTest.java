package dev.backbone.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

class TopicsApiTest extends BrokerIntegrationTest {

    @Test
    void createDescribeListDelete() {
        byte[] created = client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"orders\", \"partitions\": 3, \"config\": {\"retention.ms\": 86400000,"
                        + " \"flush\": \"sync\", \"audit.chain\": true, \"segment.bytes\": \"1048576\"}}")
                .exchange()
                .expectStatus().isCreated()
                .expectHeader().location("/v1/topics/orders")
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody().returnResult().getResponseBody();
        JsonNode topic = json(created);
        assertThat(topic.path("name").asString()).isEqualTo("orders");
        assertThat(topic.path("partitions")).hasSize(3);
        assertThat(topic.path("partitions").get(2).path("partition").asInt()).isEqualTo(2);
        assertThat(topic.path("partitions").get(0).path("startOffset").asLong()).isZero();
        assertThat(topic.path("partitions").get(0).path("endOffset").asLong()).isZero();
        assertThat(topic.path("config").path("retention.ms").asString()).isEqualTo("86400000");
        assertThat(topic.path("config").path("flush").asString()).isEqualTo("sync");
        assertThat(topic.path("config").path("audit.chain").asString()).isEqualTo("true");
        assertThat(topic.path("config").path("segment.bytes").asString()).isEqualTo("1048576");

        JsonNode described = json(client().get().uri("/v1/topics/orders").exchange()
                .expectStatus().isOk().expectBody().returnResult().getResponseBody());
        assertThat(described).isEqualTo(topic);

        JsonNode list = json(client().get().uri("/v1/topics").exchange()
                .expectStatus().isOk().expectBody().returnResult().getResponseBody());
        assertThat(list.path("topics").findValuesAsString("name")).contains("orders");

        client().delete().uri("/v1/topics/orders").exchange().expectStatus().isNoContent();
        problem(client().get().uri("/v1/topics/orders").exchange().expectStatus().isNotFound()
                .expectBody().returnResult().getResponseBody(), "unknown-topic", 404);
        problem(client().delete().uri("/v1/topics/orders").exchange().expectStatus().isNotFound()
                .expectBody().returnResult().getResponseBody(), "unknown-topic", 404);
    }

    @Test
    void defaultPartitionsWhenNoneGiven() {
        JsonNode topic = json(client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"defaults\"}").exchange()
                .expectStatus().isCreated().expectBody().returnResult().getResponseBody());
        assertThat(topic.path("partitions")).hasSize(1);
        assertThat(topic.path("config").path("flush").asString()).isEqualTo("none");
    }

    @Test
    void duplicateIs409() {
        create("twice", 1);
        JsonNode problem = problem(client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"twice\", \"partitions\": 2}").exchange()
                .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody().returnResult().getResponseBody(), "topic-exists", 409);
        assertThat(problem.path("topic").asString()).isEqualTo("twice");
        JsonNode described = json(client().get().uri("/v1/topics/twice").exchange()
                .expectBody().returnResult().getResponseBody());
        assertThat(described.path("partitions")).hasSize(1);
    }

    @Test
    void badNamesAndCountsAre400() {
        for (String body : new String[] {"{\"name\": \"has space\"}", "{\"name\": \"..\"}",
                "{\"name\": \"" + "x".repeat(250) + "\"}", "{\"name\": \"ok\", \"partitions\": 0}",
                "{\"name\": \"__internal\"}", "{\"partitions\": 1}", "{\"name\": \"sl/ash\"}"}) {
            problem(client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                    .exchange().expectStatus().isBadRequest().expectBody().returnResult().getResponseBody(),
                    "invalid-topic", 400);
        }
        client().get().uri("/v1/topics/ok").exchange().expectStatus().isNotFound();
    }

    @Test
    void badConfigIs400AndCreatesNothing() {
        for (String config : new String[] {"{\"retention.ms\": \"soon\"}", "{\"no.such.key\": 1}",
                "{\"flush\": \"sometimes\"}", "{\"segment.bytes\": 10}", "{\"retention.ms\": {\"a\": 1}}",
                "{\"cleanup.policy\": \"compact\"}", "{\"audit.chain\": \"maybe\"}"}) {
            JsonNode problem = problem(client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"name\": \"badconfig\", \"config\": " + config + "}")
                    .exchange().expectStatus().isBadRequest().expectBody().returnResult().getResponseBody(),
                    "invalid-config", 400);
            assertThat(problem.path("key").asString()).isNotEmpty();
        }
        client().get().uri("/v1/topics/badconfig").exchange().expectStatus().isNotFound();
    }

    @Test
    void malformedBodyIs400() {
        problem(client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": ").exchange().expectStatus().isBadRequest()
                .expectBody().returnResult().getResponseBody(), "malformed-json", 400);
    }

    @Test
    void internalTopicsHiddenUnlessAsked(@org.springframework.beans.factory.annotation.Autowired
                                         dev.backbone.server.topic.TopicRegistry registry) {
        registry.create("__backbone_test_internal", 1, java.util.Map.of());
        JsonNode plain = json(client().get().uri("/v1/topics").exchange().expectBody().returnResult()
                .getResponseBody());
        assertThat(plain.path("topics").findValuesAsString("name")).doesNotContain("__backbone_test_internal");
        JsonNode all = json(client().get().uri("/v1/topics?internal=true").exchange().expectBody().returnResult()
                .getResponseBody());
        assertThat(all.path("topics").findValuesAsString("name")).contains("__backbone_test_internal");
    }

    @Test
    void internalTopicsCanBeReadButNotWrittenOrDeleted(@org.springframework.beans.factory.annotation.Autowired
                                                       dev.backbone.server.topic.TopicRegistry registry) {
        String name = "__backbone_test_readonly";
        registry.create(name, 1, java.util.Map.of());
        java.nio.ByteBuffer batch = new dev.backbone.client.batch.RecordBatchBuilder()
                .add(1L, null, new byte[] {1}).build();
        byte[] batchBytes = new byte[batch.remaining()];
        batch.get(batchBytes);
        problem(client().post().uri("/v1/topics/" + name + "/records").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"records\": [{\"value\": 1}]}").exchange().expectStatus().isForbidden()
                .expectBody().returnResult().getResponseBody(), "internal-topic", 403);
        problem(client().post().uri("/v1/topics/" + name + "/partitions/0/records")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"records\": [{\"value\": 1}]}")
                .exchange().expectStatus().isForbidden().expectBody().returnResult().getResponseBody(),
                "internal-topic", 403);
        problem(client().post().uri("/v1/topics/" + name + "/partitions/0/records")
                .contentType(MediaType.parseMediaType("application/vnd.backbone.batch"))
                .bodyValue(batchBytes)
                .exchange().expectStatus().isForbidden().expectBody().returnResult().getResponseBody(),
                "internal-topic", 403);
        problem(client().post().uri("/v1/topics/" + name + "/records").contentType(MediaType.APPLICATION_NDJSON)
                .bodyValue("{\"value\": 1}\n").exchange().expectStatus().isForbidden()
                .expectBody().returnResult().getResponseBody(), "internal-topic", 403);
        JsonNode refused = problem(client().delete().uri("/v1/topics/" + name).exchange().expectStatus()
                .isForbidden().expectBody().returnResult().getResponseBody(), "internal-topic", 403);
        assertThat(refused.path("topic").asString()).isEqualTo(name);
        JsonNode described = json(client().get().uri("/v1/topics/" + name).exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody());
        assertThat(described.path("partitions").get(0).path("endOffset").asLong()).isZero();
        client().get().uri("/v1/topics/" + name + "/partitions/0/records?offset=0&maxWaitMs=0").exchange()
                .expectStatus().isOk();
    }

    @Test
    void patchChangesTheConfigAsAMergePatch() {
        client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"reconfigured\", \"partitions\": 2, \"config\": {\"retention.ms\": 60000,"
                        + " \"segment.bytes\": 1048576}}")
                .exchange().expectStatus().isCreated();
        JsonNode altered = json(client().patch().uri("/v1/topics/reconfigured")
                .contentType(MediaType.parseMediaType("application/merge-patch+json"))
                .bodyValue("{\"config\": {\"retention.bytes\": 5000000, \"segment.bytes\": null, \"flush\": \"sync\"}}")
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
        assertThat(altered.path("config").path("retention.ms").asString()).isEqualTo("60000");
        assertThat(altered.path("config").path("retention.bytes").asString()).isEqualTo("5000000");
        assertThat(altered.path("config").path("flush").asString()).isEqualTo("sync");
        assertThat(altered.path("config").path("segment.bytes").asString()).isNotEqualTo("1048576");

        problem(client().patch().uri("/v1/topics/reconfigured").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"config\": {\"flush\": \"none\", \"retention.ms\": \"soon\"}}").exchange()
                .expectStatus().isBadRequest().expectBody().returnResult().getResponseBody(), "invalid-config", 400);
        problem(client().patch().uri("/v1/topics/reconfigured").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"retention.ms\": 1}").exchange().expectStatus().isBadRequest().expectBody()
                .returnResult().getResponseBody(), "malformed-json", 400);
        problem(client().patch().uri("/v1/topics/no-such-topic").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"config\": {\"flush\": \"none\"}}").exchange().expectStatus().isNotFound()
                .expectBody().returnResult().getResponseBody(), "unknown-topic", 404);
        problem(client().patch().uri("/v1/topics/__backbone_offsets").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"config\": {\"retention.ms\": 1}}").exchange().expectStatus().isForbidden()
                .expectBody().returnResult().getResponseBody(), "internal-topic", 403);
        JsonNode described = json(client().get().uri("/v1/topics/reconfigured").exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody());
        assertThat(described.path("config").path("flush").asString()).isEqualTo("sync");
        assertThat(described.path("config").path("retention.ms").asString()).isEqualTo("60000");
    }

    private void create(String name, int partitions) {
        client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"" + name + "\", \"partitions\": " + partitions + "}")
                .exchange().expectStatus().isCreated();
    }

    static JsonNode problem(byte[] body, String slug, int status) {
        JsonNode problem = json(body);
        assertThat(problem.path("type").asString()).isEqualTo("https://backbone.dev/problems/" + slug);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("title").asString()).isNotEmpty();
        assertThat(problem.path("detail").asString()).isNotEmpty();
        return problem;
    }
}
