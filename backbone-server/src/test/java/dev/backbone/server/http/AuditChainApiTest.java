package dev.backbone.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.server.log.LogSlice;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.topic.TopicRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

/** The audit chain endpoints on a real broker: head, verify, tampering, claims, and every bad input. */
class AuditChainApiTest extends BrokerIntegrationTest {

    @Autowired
    TopicRegistry registry;

    @Test
    void headAndVerifyCoverEveryProduce() {
        createAudited("ledger", 2);
        for (int i = 0; i < 12; i++) {
            produce("ledger", "{\"records\": [{\"value\": {\"n\": " + i + "}, \"partition\": " + (i % 2) + "},"
                    + " {\"value\": \"second\", \"partition\": " + (i % 2) + "}]}");
        }

        JsonNode head = get("/v1/topics/ledger/partitions/1/chain");
        assertThat(head.path("topic").asString()).isEqualTo("ledger");
        assertThat(head.path("partition").asInt()).isEqualTo(1);
        assertThat(head.path("offset").asLong()).isEqualTo(11);
        assertThat(head.path("batches").asLong()).isEqualTo(6);
        assertThat(head.path("hash").asString()).matches("[0-9a-f]{64}");

        JsonNode verified = verify("ledger", 1, null);
        assertThat(verified.path("valid").asBoolean()).isTrue();
        assertThat(verified.path("batches").asLong()).isEqualTo(6);
        assertThat(verified.path("head")).isEqualTo(head);
        assertThat(verified.has("claim")).isFalse();
        assertThat(verified.has("brokenAtOffset")).isFalse();
    }

    @Test
    void aClaimedHeadIsFoundLaterAndAWrongOneIsNot() {
        createAudited("claims", 1);
        produce("claims", "{\"records\": [{\"value\": 1}, {\"value\": 2}]}");
        JsonNode earlier = get("/v1/topics/claims/partitions/0/chain");
        produce("claims", "{\"records\": [{\"value\": 3}]}");

        String claim = "{\"offset\": " + earlier.path("offset").asLong() + ", \"hash\": \""
                + earlier.path("hash").asString() + "\"}";
        JsonNode matched = verify("claims", 0, claim);
        assertThat(matched.path("valid").asBoolean()).isTrue();
        assertThat(matched.path("claim").asString()).isEqualTo("matched");
        assertThat(matched.path("head").path("offset").asLong()).isEqualTo(2);

        String forged = earlier.path("hash").asString().startsWith("0") ? "1" : "0";
        JsonNode mismatch = verify("claims", 0, "{\"offset\": 1, \"hash\": \"" + forged
                + earlier.path("hash").asString().substring(1) + "\"}");
        assertThat(mismatch.path("valid").asBoolean()).isFalse();
        assertThat(mismatch.path("reason").asString()).isEqualTo("claim-mismatch");
        assertThat(mismatch.path("brokenAtOffset").asLong()).isZero();
    }

    @Test
    void aChangedByteInASegmentFileIsReportedWithItsBatchOffset() throws IOException {
        createAudited("tampered", 1);
        for (int i = 0; i < 5; i++) {
            produce("tampered", "{\"records\": [{\"value\": {\"amount\": " + (100 + i) + "}}]}");
        }
        PartitionLog log = registry.partition("tampered", 0);
        LogSlice third = log.read(3, 1);
        flipLastByte(third);

        JsonNode report = verify("tampered", 0, null);

        assertThat(report.path("valid").asBoolean()).isFalse();
        assertThat(report.path("brokenAtOffset").asLong()).isEqualTo(3);
        assertThat(report.path("reason").asString()).isEqualTo("link-mismatch");
        assertThat(report.path("batches").asLong()).isEqualTo(3);
        assertThat(report.path("detail").asString()).contains(".chain");
        assertThat(report.has("head")).isFalse();
    }

    @Test
    void aTopicWithoutAChainIs409() {
        client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"plain\", \"partitions\": 1}").exchange().expectStatus().isCreated();
        JsonNode problem = TopicsApiTest.problem(client().get().uri("/v1/topics/plain/partitions/0/chain")
                .exchange().expectStatus().isEqualTo(409).expectBody().returnResult().getResponseBody(),
                "audit-chain-disabled", 409);
        assertThat(problem.path("topic").asString()).isEqualTo("plain");
        TopicsApiTest.problem(client().post().uri("/v1/topics/plain/partitions/0/chain/verify").exchange()
                .expectStatus().isEqualTo(409).expectBody().returnResult().getResponseBody(),
                "audit-chain-disabled", 409);
    }

    @Test
    void unknownTopicsPartitionsAndBadInputAreProblems() {
        createAudited("strict", 1);
        TopicsApiTest.problem(client().get().uri("/v1/topics/nope/partitions/0/chain").exchange()
                .expectStatus().isNotFound().expectBody().returnResult().getResponseBody(), "unknown-topic", 404);
        TopicsApiTest.problem(client().get().uri("/v1/topics/strict/partitions/3/chain").exchange()
                .expectStatus().isNotFound().expectBody().returnResult().getResponseBody(), "unknown-partition", 404);
        TopicsApiTest.problem(client().post().uri("/v1/topics/strict/partitions/x/chain/verify").exchange()
                .expectStatus().isBadRequest().expectBody().returnResult().getResponseBody(), "invalid-parameter",
                400);
        for (String body : new String[] {"{\"offset\": 1, \"hash\": \"abc\"}", "{\"offset\": 1}",
                "{\"hash\": \"" + "0".repeat(64) + "\"}", "{\"offset\": 1, \"hash\": \"" + "g".repeat(64) + "\"}"}) {
            TopicsApiTest.problem(client().post().uri("/v1/topics/strict/partitions/0/chain/verify")
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                    .expectStatus().isBadRequest().expectBody().returnResult().getResponseBody(),
                    "invalid-parameter", 400);
        }
        TopicsApiTest.problem(client().post().uri("/v1/topics/strict/partitions/0/chain/verify")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"offset\": ").exchange()
                .expectStatus().isBadRequest().expectBody().returnResult().getResponseBody(), "malformed-json", 400);
    }

    @Test
    void aDeletedAndRecreatedTopicStartsAFreshChain() {
        createAudited("again", 1);
        produce("again", "{\"records\": [{\"value\": 1}]}");
        client().delete().uri("/v1/topics/again").exchange().expectStatus().isNoContent();
        createAudited("again", 1);

        JsonNode head = get("/v1/topics/again/partitions/0/chain");
        assertThat(head.path("offset").asLong()).isEqualTo(-1);
        assertThat(head.path("hash").asString()).isEqualTo("0".repeat(64));
        assertThat(head.path("batches").asLong()).isZero();
        produce("again", "{\"records\": [{\"value\": 2}]}");
        assertThat(verify("again", 0, null).path("batches").asLong()).isEqualTo(1);
    }

    @Test
    void theOpenApiDescriptionListsTheChainEndpointsAndTheirProblems() {
        JsonNode paths = get("/v3/api-docs").path("paths");
        JsonNode head = paths.path("/v1/topics/{topic}/partitions/{partition}/chain").path("get");
        JsonNode verify = paths.path("/v1/topics/{topic}/partitions/{partition}/chain/verify").path("post");
        assertThat(head.isMissingNode()).isFalse();
        assertThat(verify.isMissingNode()).isFalse();
        assertThat(head.path("responses").has("409")).isTrue();
        assertThat(verify.path("responses").has("400")).isTrue();
        assertThat(verify.path("responses").path("409").toString()).contains("audit-chain-disabled");
    }

    private void createAudited(String name, int partitions) {
        client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"" + name + "\", \"partitions\": " + partitions
                        + ", \"config\": {\"audit.chain\": true}}")
                .exchange().expectStatus().isCreated();
    }

    private void produce(String topic, String body) {
        client().post().uri("/v1/topics/" + topic + "/records").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange().expectStatus().isOk();
    }

    private JsonNode get(String path) {
        return json(client().get().uri(path).exchange().expectStatus().isOk().expectBody().returnResult()
                .getResponseBody());
    }

    private JsonNode verify(String topic, int partition, String body) {
        var request = client().post().uri("/v1/topics/" + topic + "/partitions/" + partition + "/chain/verify");
        var exchange = body == null ? request.exchange()
                : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
        return json(exchange.expectStatus().isOk().expectBody().returnResult().getResponseBody());
    }

    private static void flipLastByte(LogSlice slice) throws IOException {
        try (FileChannel channel = FileChannel.open(slice.segmentFile(), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            long position = slice.position() + slice.sizeBytes() - 1;
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) (one.get(0) ^ 0x40)).rewind();
            channel.write(one, position);
        }
    }
}
