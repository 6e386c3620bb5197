package dev.backbone.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One real broker in {@code enforce} mode on a random port of 127.0.0.1, shared by the security test classes (they
 * declare nothing else, so Spring starts it once): super-user {@code root} with a key from configuration, an
 * expired configured key for {@code late}, and JWTs from a {@link TestIssuer} whose scope {@code sec.describe}
 * grants {@code describe} on the topics starting with {@code sec-}. The expired key's hash is configured with the
 * {@code sha256:} label, in capitals.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "server.address=127.0.0.1",
        "backbone.storage.min-free-bytes=0",
        "backbone.security.mode=enforce",
        "backbone.security.super-users=root",
        "backbone.security.jwt.issuer-uri=" + TestIssuer.ISSUER,
        "backbone.security.jwt.permissions[sec.describe]=describe:topic:sec-*",
        "logging.level.root=WARN"})
abstract class SecuredBrokerTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String ROOT_KEY = ApiKeyHash.newKey();
    static final String EXPIRED_KEY = ApiKeyHash.newKey();
    static final TestIssuer ISSUER = TestIssuer.start();

    private static final Path DATA_DIR = Path.of("target", "test-data", "secured-" + System.nanoTime())
            .toAbsolutePath();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void security(DynamicPropertyRegistry registry) {
        registry.add("backbone.data-dir", DATA_DIR::toString);
        registry.add("backbone.security.api-keys[0].principal", () -> "root");
        registry.add("backbone.security.api-keys[0].hash", () -> ApiKeyHash.hash(ROOT_KEY));
        registry.add("backbone.security.api-keys[1].principal", () -> "late");
        registry.add("backbone.security.api-keys[1].hash", () -> "SHA256:" + ApiKeyHash.hash(EXPIRED_KEY));
        registry.add("backbone.security.api-keys[1].expires-at", () -> "2020-01-01T00:00:00Z");
        registry.add("backbone.security.jwt.jwk-set-uri", ISSUER::jwkSetUri);
    }

    WebTestClient client() {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    /** A client that sends {@code Authorization: Bearer token}. */
    WebTestClient as(String token) {
        return client().mutate().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token).build();
    }

    WebTestClient root() {
        return as(ROOT_KEY);
    }

    /** Creates an API key for {@code principal} through the admin API; returns the secret. */
    String createKey(String principal) {
        byte[] body = root().post().uri("/v1/admin/api-keys").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"principal\": \"" + principal + "\"}").exchange()
                .expectStatus().isCreated().expectBody().returnResult().getResponseBody();
        String key = JSON.readTree(body).path("key").asString();
        assertThat(JSON.readTree(body).path("hash").asString()).isEqualTo("sha256:" + ApiKeyHash.hash(key));
        return key;
    }

    /** Adds an ACL through the admin API; returns its id. */
    String allow(String principal, String resourceType, String name, String patternType, String operation) {
        return acl(principal, resourceType, name, patternType, operation, "allow");
    }

    String acl(String principal, String resourceType, String name, String patternType, String operation,
               String permission) {
        String body = JSON.createObjectNode().put("principal", principal).put("resourceType", resourceType)
                .put("resourceName", name).put("patternType", patternType).put("operation", operation)
                .put("permission", permission).toString();
        byte[] answer = root().post().uri("/v1/admin/acls").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().is2xxSuccessful().expectBody().returnResult().getResponseBody();
        return JSON.readTree(answer).path("id").asString();
    }

    static JsonNode json(byte[] body) {
        return JSON.readTree(body);
    }
}
