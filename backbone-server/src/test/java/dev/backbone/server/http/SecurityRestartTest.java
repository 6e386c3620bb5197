package dev.backbone.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.server.security.ApiKeyHash;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * API keys, revocations (of an API key and of a key from configuration), ACLs and their security audit entries
 * survive a restart of the broker.
 */
class SecurityRestartTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ROOT_KEY = ApiKeyHash.newKey();
    private static final String OPS_KEY = ApiKeyHash.newKey();

    @TempDir
    Path dataDir;

    @Test
    void keysRevocationsAclsAndAuditEntriesSurviveARestart() {
        String henryKey;
        String ivanKey;
        try (BrokerProcess broker = start()) {
            WebTestClient root = as(broker, ROOT_KEY);
            root.post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"name\": \"kept\"}")
                    .exchange().expectStatus().isCreated();
            henryKey = createKey(root, "henry");
            ivanKey = createKey(root, "ivan");
            root.post().uri("/v1/admin/acls").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"principal\": \"henry\", \"resourceType\": \"topic\", \"resourceName\": \"kept\","
                            + " \"operation\": \"describe\"}").exchange().expectStatus().isCreated();
            root.delete().uri("/v1/admin/api-keys/" + ApiKeyHash.id(ApiKeyHash.hash(ivanKey))).exchange()
                    .expectStatus().isNoContent();
            root.delete().uri("/v1/admin/api-keys/" + ApiKeyHash.id(ApiKeyHash.hash(OPS_KEY))).exchange()
                    .expectStatus().isNoContent();
            as(broker, henryKey).get().uri("/v1/topics/kept").exchange().expectStatus().isOk();
        }
        try (BrokerProcess broker = start()) {
            as(broker, henryKey).get().uri("/v1/topics/kept").exchange().expectStatus().isOk();
            as(broker, henryKey).delete().uri("/v1/topics/kept").exchange().expectStatus().isForbidden();
            as(broker, ivanKey).get().uri("/v1/topics/kept").exchange().expectStatus().isUnauthorized();
            as(broker, OPS_KEY).get().uri("/v1/topics/kept").exchange().expectStatus().isUnauthorized();
            WebTestClient root = as(broker, ROOT_KEY);
            root.get().uri("/v1/admin/api-keys").exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.keys[?(@.principal == 'henry')]").exists()
                    .jsonPath("$.keys[?(@.principal == 'ivan')]").doesNotExist()
                    .jsonPath("$.keys[?(@.principal == 'ops')]").doesNotExist();
            String audit = "/v1/topics/__backbone_security_audit/partitions/0";
            String records = root.get().uri(audit + "/records?offset=0&maxBytes=4194304").exchange()
                    .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
            assertThat(records).contains("\"event\":\"api-key.created\"", "\"event\":\"api-key.revoked\"",
                    "\"event\":\"acl.added\"", "\"event\":\"topic.created\"");
            root.post().uri(audit + "/chain/verify").exchange().expectStatus().isOk()
                    .expectBody().jsonPath("$.valid").isEqualTo(true);
        }
    }

    private BrokerProcess start() {
        return BrokerProcess.start(dataDir, "backbone.security.mode=enforce", "backbone.security.super-users=root",
                "backbone.storage.min-free-bytes=0",
                "backbone.security.api-keys[0].principal=root",
                "backbone.security.api-keys[0].hash=" + ApiKeyHash.hash(ROOT_KEY),
                "backbone.security.api-keys[1].principal=ops",
                "backbone.security.api-keys[1].hash=" + ApiKeyHash.hash(OPS_KEY));
    }

    private static WebTestClient as(BrokerProcess broker, String key) {
        return broker.client().mutate().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + key).build();
    }

    private static String createKey(WebTestClient root, String principal) {
        byte[] body = root.post().uri("/v1/admin/api-keys").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"principal\": \"" + principal + "\"}").exchange().expectStatus().isCreated()
                .expectBody().returnResult().getResponseBody();
        return JSON.readTree(body).path("key").asString();
    }
}
