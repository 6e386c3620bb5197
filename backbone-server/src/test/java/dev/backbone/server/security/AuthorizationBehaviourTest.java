package dev.backbone.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.client.batch.RecordBatchBuilder;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * What the matrix does not show: every produce media type and consume form goes through the same rule, an unknown
 * topic answers like a forbidden one, deny wins and ACL changes apply to the next request, a topic can be created
 * with {@code create} on its name alone, group joins need {@code read} on their topics, the actuator rules, and the
 * security audit topic records refusals and admin changes in a verifiable chain.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationBehaviourTest extends SecuredBrokerTest {

    private static final String TOPIC = "beh-t";
    private static final String DENIED = "https://backbone.dev/problems/access-denied";

    private String daveKey;

    @BeforeAll
    void setUp() {
        root().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"" + TOPIC + "\"}").exchange().expectStatus().isCreated();
        daveKey = createKey("dave");
    }

    @Test
    void everyProduceMediaTypeNeedsWrite() {
        WebTestClient dave = as(daveKey);
        Map<String, Function<WebTestClient, WebTestClient.ResponseSpec>> forms = Map.of(
                "json", c -> c.post().uri("/v1/topics/" + TOPIC + "/records").contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"records\": [{\"value\": 1}]}").exchange(),
                "binary", c -> c.post().uri("/v1/topics/" + TOPIC + "/partitions/0/records")
                        .contentType(MediaType.parseMediaType("application/vnd.backbone.batch"))
                        .bodyValue(bytes(new RecordBatchBuilder().add(0, null, "v".getBytes(StandardCharsets.UTF_8))
                                .build())).exchange(),
                "ndjson", c -> c.post().uri("/v1/topics/" + TOPIC + "/records")
                        .contentType(MediaType.APPLICATION_NDJSON).bodyValue("{\"value\": 1}\n").exchange(),
                "cloudevents structured", c -> c.post().uri("/v1/topics/" + TOPIC + "/records")
                        .contentType(MediaType.parseMediaType("application/cloudevents+json"))
                        .bodyValue(cloudEvent()).exchange(),
                "cloudevents batch", c -> c.post().uri("/v1/topics/" + TOPIC + "/records")
                        .contentType(MediaType.parseMediaType("application/cloudevents-batch+json"))
                        .bodyValue("[" + cloudEvent() + "]").exchange(),
                "cloudevents binary", c -> c.post().uri("/v1/topics/" + TOPIC + "/records")
                        .header("ce-specversion", "1.0").header("ce-id", "1").header("ce-source", "/test")
                        .header("ce-type", "t").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"n\": 1}")
                        .exchange());
        forms.forEach((form, send) -> send.apply(dave).expectStatus().isForbidden()
                .expectBody().jsonPath("$.type").isEqualTo(DENIED).jsonPath("$.operation").isEqualTo("write"));
        String acl = allow("dave", "topic", TOPIC, "literal", "write");
        forms.forEach((form, send) -> send.apply(dave).expectStatus().is2xxSuccessful());
        root().delete().uri("/v1/admin/acls/" + acl).exchange().expectStatus().isNoContent();
        forms.forEach((form, send) -> send.apply(dave).expectStatus().isForbidden());
    }

    @Test
    void everyConsumeFormNeedsRead() {
        WebTestClient dave = as(daveKey);
        for (String accept : List.of("application/json", "application/vnd.backbone.batch", "text/event-stream",
                "application/x-ndjson", "application/cloudevents-batch+json")) {
            dave.get().uri("/v1/topics/" + TOPIC + "/partitions/0/records?offset=0")
                    .header("Accept", accept).exchange().expectStatus().isForbidden()
                    .expectBody().jsonPath("$.operation").isEqualTo("read");
        }
    }

    @Test
    void aTopicThePrincipalMayNotDescribeAnswersAlikeWhetherItExistsOrNot() {
        WebTestClient dave = as(daveKey);
        byte[] existing = dave.get().uri("/v1/topics/" + TOPIC).exchange().expectStatus().isForbidden()
                .expectBody().returnResult().getResponseBody();
        byte[] missing = dave.get().uri("/v1/topics/beh-missing").exchange().expectStatus().isForbidden()
                .expectBody().returnResult().getResponseBody();
        assertThat(json(missing).path("type")).isEqualTo(json(existing).path("type"));
        assertThat(json(missing).path("operation")).isEqualTo(json(existing).path("operation"));
        root().get().uri("/v1/topics/beh-missing").exchange().expectStatus().isNotFound();
    }

    @Test
    void denyWinsAndAclChangesApplyToTheNextRequest() {
        WebTestClient erin = as(createKey("erin"));
        erin.get().uri("/v1/topics/" + TOPIC).exchange().expectStatus().isForbidden();
        allow("erin", "topic", "beh-", "prefixed", "describe");
        erin.get().uri("/v1/topics/" + TOPIC).exchange().expectStatus().isOk();
        erin.get().uri("/v1/topics").exchange().expectBody().jsonPath("$.topics[?(@.name == 'beh-t')]").exists();
        String deny = acl("erin", "topic", TOPIC, "literal", "describe", "deny");
        erin.get().uri("/v1/topics/" + TOPIC).exchange().expectStatus().isForbidden();
        erin.get().uri("/v1/topics").exchange().expectBody().jsonPath("$.topics[?(@.name == 'beh-t')]")
                .doesNotExist();
        root().delete().uri("/v1/admin/acls/" + deny).exchange().expectStatus().isNoContent();
        erin.get().uri("/v1/topics/" + TOPIC).exchange().expectStatus().isOk();
        root().get().uri("/v1/admin/acls?principal=erin&permission=allow").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.acls.length()").isEqualTo(1);
    }

    @Test
    void createOnATopicNameAllowsCreatingThatTopicOnly() {
        WebTestClient frank = as(createKey("frank"));
        allow("frank", "topic", "beh-own", "literal", "create");
        frank.post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"name\": \"beh-own\"}")
                .exchange().expectStatus().isCreated();
        frank.post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"name\": \"beh-other\"}")
                .exchange().expectStatus().isForbidden().expectBody().jsonPath("$.resourceType").isEqualTo("cluster");
    }

    @Test
    void joiningAGroupNeedsReadOnTheGroupAndOnEveryTopic() {
        WebTestClient grace = as(createKey("grace"));
        allow("grace", "group", "beh-g", "literal", "read");
        grace.post().uri("/v1/groups/beh-g/members").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"topics\": [\"" + TOPIC + "\"]}").exchange().expectStatus().isForbidden()
                .expectBody().jsonPath("$.resourceName").isEqualTo(TOPIC);
        allow("grace", "topic", TOPIC, "literal", "read");
        grace.post().uri("/v1/groups/beh-g/members").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"topics\": [\"" + TOPIC + "\"]}").exchange().expectStatus().isCreated();
    }

    @Test
    void probesAndMetricsAreOpenTheRestOfTheActuatorNeedsCredentials() {
        for (String open : List.of("/actuator/health/liveness", "/actuator/health/readiness", "/actuator/prometheus")) {
            client().get().uri(open).exchange().expectStatus().isOk();
        }
        for (String closed : List.of("/actuator/health", "/actuator/metrics", "/actuator/info")) {
            client().get().uri(closed).exchange().expectStatus().isUnauthorized()
                    .expectHeader().valueMatches("WWW-Authenticate", "Bearer.*");
        }
        root().get().uri("/actuator/health").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.components").exists();
    }

    @Test
    void refusalsAndAdminChangesAreInTheVerifiableSecurityAudit() throws InterruptedException {
        as(daveKey).delete().uri("/v1/topics/" + TOPIC).exchange().expectStatus().isForbidden();
        String audit = "/v1/topics/" + SecurityAuditLog.TOPIC + "/partitions/0";
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        String records = "";
        while (Instant.now().isBefore(deadline) && !records.contains("\"principal\":\"dave\"")) {
            records = root().get().uri(audit + "/records?offset=0&maxBytes=4194304").exchange()
                    .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
            Thread.sleep(50);
        }
        assertThat(records).contains("\"event\":\"denied\"", "\"principal\":\"dave\"", "\"operation\":\"delete\"",
                "\"event\":\"api-key.created\"", "\"event\":\"acl.added\"", "\"event\":\"topic.created\"");
        assertThat(records).doesNotContain(daveKey);
        root().post().uri(audit + "/chain/verify").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.valid").isEqualTo(true);
    }

    @Test
    void keysWithEncodedSlashesAndPercentSignsPassTheFirewallAndRefusedPathsAreProblems() {
        String base = "http://127.0.0.1:" + port + "/v1/topics/" + TOPIC;
        var appended = root().post().uri(URI.create(base + "/keys/a%2Fb%25c%5Cd/records"))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"records\": [{\"value\": 1}]}").exchange()
                .expectBody(String.class).returnResult();
        assertThat(appended.getStatus().value()).as(appended.getResponseBody()).isEqualTo(200);
        assertThat(json(appended.getResponseBody().getBytes(StandardCharsets.UTF_8)).path("key").asString())
                .isEqualTo("a/b%c\\d");
        root().get().uri(URI.create("http://127.0.0.1:" + port + "/v1/topics/./" + TOPIC)).exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://backbone.dev/problems/invalid-parameter");
    }

    private static String cloudEvent() {
        return "{\"specversion\": \"1.0\", \"id\": \"1\", \"source\": \"/test\", \"type\": \"t\", \"data\": {\"n\": 1}}";
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
