package dev.backbone.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A broker restarted on the same data directory reattaches the chains of its audited topics: the head stays,
 * retention's anchor holds, a head recorded before the restart is still found, and the chain grows on.
 */
class AuditChainRestartTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dataDir;

    @Test
    void theChainSurvivesARestartAndRetention() throws InterruptedException {
        JsonNode before;
        try (BrokerProcess broker = BrokerProcess.start(dataDir, "backbone.storage.retention-check-interval=100ms",
                "backbone.storage.file-delete-delay=0s", "backbone.storage.min-free-bytes=0")) {
            WebTestClient client = broker.client();
            client.post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"name\": \"books\", \"partitions\": 1, \"config\": {\"audit.chain\": true,"
                            + " \"segment.bytes\": 4096, \"retention.bytes\": 12288}}")
                    .exchange().expectStatus().isCreated();
            String value = "\"" + "x".repeat(300) + "\"";
            for (int i = 0; i < 100; i++) {
                client.post().uri("/v1/topics/books/records").contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"records\": [{\"value\": " + value + "}, {\"value\": " + i + "}]}")
                        .exchange().expectStatus().isOk();
            }
            long startOffset = 0;
            for (int attempt = 0; attempt < 100 && startOffset == 0; attempt++) {
                Thread.sleep(100);
                startOffset = json(client.get().uri("/v1/topics/books").exchange().expectStatus().isOk()
                        .expectBody().returnResult().getResponseBody()).path("partitions").get(0)
                        .path("startOffset").asLong();
            }
            assertThat(startOffset).as("retention deleted old segments").isPositive();
            before = head(client);
            assertThat(before.path("offset").asLong()).isEqualTo(199);
            assertThat(before.path("batches").asLong()).isLessThan(100);
        }

        try (BrokerProcess broker = BrokerProcess.start(dataDir, "backbone.storage.min-free-bytes=0")) {
            WebTestClient client = broker.client();
            assertThat(head(client)).isEqualTo(before);
            JsonNode report = json(client.post().uri("/v1/topics/books/partitions/0/chain/verify")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"offset\": 199, \"hash\": \"" + before.path("hash").asString() + "\"}")
                    .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
            assertThat(report.path("valid").asBoolean()).as(report.toString()).isTrue();
            assertThat(report.path("claim").asString()).isEqualTo("matched");

            client.post().uri("/v1/topics/books/records").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"records\": [{\"value\": \"after the restart\"}]}").exchange().expectStatus().isOk();
            JsonNode after = head(client);
            assertThat(after.path("offset").asLong()).isEqualTo(200);
            assertThat(after.path("batches").asLong()).isEqualTo(before.path("batches").asLong() + 1);
            assertThat(json(client.post().uri("/v1/topics/books/partitions/0/chain/verify").exchange()
                    .expectStatus().isOk().expectBody().returnResult().getResponseBody()).path("valid").asBoolean())
                    .isTrue();
        }
    }

    private static JsonNode head(WebTestClient client) {
        return json(client.get().uri("/v1/topics/books/partitions/0/chain").exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody());
    }

    private static JsonNode json(byte[] body) {
        return JSON.readTree(body);
    }
}
