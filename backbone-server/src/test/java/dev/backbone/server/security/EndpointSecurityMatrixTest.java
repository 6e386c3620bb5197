package dev.backbone.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.server.PathContainer;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Every {@code /v1} route of the running broker, read from its handler mappings, against the route table and then
 * with six callers each: no credentials, a bad key, an expired key, a revoked key (401 {@code unauthenticated} with
 * a Bearer challenge), a principal without ACLs (403 {@code access-denied}, or an empty listing), and a principal
 * allowed by ACLs (neither 401 nor 403). A route added without a rule, or without a sample request here, fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointSecurityMatrixTest extends SecuredBrokerTest {

    private static final String PROBLEMS = "https://backbone.dev/problems/";

    /** A request to one route: its concrete path, and a body and content type when it takes one. */
    private record Sample(String path, MediaType contentType, String body) {
    }

    private static final Map<String, Sample> SAMPLES = new LinkedHashMap<>();

    static {
        MediaType json = MediaType.APPLICATION_JSON;
        String records = "{\"records\": [{\"key\": \"k1\", \"value\": 1}]}";
        sample("POST /v1/topics", "/v1/topics", json, "{\"name\": \"sec-created\"}");
        sample("GET /v1/topics", "/v1/topics", null, null);
        sample("GET /v1/topics/{topic}", "/v1/topics/sec-t", null, null);
        sample("PATCH /v1/topics/{topic}", "/v1/topics/sec-t", json, "{\"config\": {\"retention.ms\": 3600000}}");
        sample("DELETE /v1/topics/{topic}", "/v1/topics/sec-doomed", null, null);
        sample("POST /v1/topics/{topic}/records", "/v1/topics/sec-t/records", json, records);
        sample("POST /v1/topics/{topic}/partitions/{partition}/records", "/v1/topics/sec-t/partitions/0/records", json,
                records);
        sample("GET /v1/topics/{topic}/partitions/{partition}/records",
                "/v1/topics/sec-t/partitions/0/records?offset=0", null, null);
        sample("GET /v1/topics/{topic}/partitions/{partition}/offsets", "/v1/topics/sec-t/partitions/0/offsets", null,
                null);
        sample("GET /v1/topics/{topic}/partitions/{partition}/chain", "/v1/topics/sec-t/partitions/0/chain", null,
                null);
        sample("POST /v1/topics/{topic}/partitions/{partition}/chain/verify",
                "/v1/topics/sec-t/partitions/0/chain/verify", null, null);
        sample("POST /v1/topics/{topic}/keys/{key}/records", "/v1/topics/sec-t/keys/k9/records", json,
                "{\"records\": [{\"value\": {\"n\": 1}}]}");
        sample("GET /v1/topics/{topic}/keys/{key}/records", "/v1/topics/sec-t/keys/k9/records", null, null);
        sample("GET /v1/groups", "/v1/groups", null, null);
        sample("GET /v1/groups/{group}", "/v1/groups/sec-g", null, null);
        sample("POST /v1/groups/{group}/members", "/v1/groups/sec-g/members", json, "{\"topics\": [\"sec-t\"]}");
        sample("POST /v1/groups/{group}/members/{memberId}/heartbeat", "/v1/groups/sec-g/members/m-0/heartbeat",
                null, null);
        sample("DELETE /v1/groups/{group}/members/{memberId}", "/v1/groups/sec-g/members/m-0", null, null);
        sample("POST /v1/groups/{group}/offsets", "/v1/groups/sec-g/offsets", json, "{\"memberId\": \"m-0\","
                + " \"generation\": 1, \"offsets\": [{\"topic\": \"sec-t\", \"partition\": 0, \"offset\": 0}]}");
        sample("GET /v1/groups/{group}/members/{memberId}/records", "/v1/groups/sec-g/members/m-0/records", null,
                null);
        sample("GET /v1/cluster", "/v1/cluster", null, null);
        sample("GET /v1/admin/api-keys", "/v1/admin/api-keys", null, null);
        sample("POST /v1/admin/api-keys", "/v1/admin/api-keys", json, "{\"principal\": \"someone\"}");
        sample("DELETE /v1/admin/api-keys/{id}", "/v1/admin/api-keys/0000000000000000", null, null);
        sample("GET /v1/admin/acls", "/v1/admin/acls", null, null);
        sample("POST /v1/admin/acls", "/v1/admin/acls", json, "{\"principal\": \"someone\", \"resourceType\":"
                + " \"topic\", \"resourceName\": \"x\", \"operation\": \"read\"}");
        sample("DELETE /v1/admin/acls/{id}", "/v1/admin/acls/0000000000000000", null, null);
    }

    private static void sample(String route, String path, MediaType contentType, String body) {
        SAMPLES.put(route, new Sample(path, contentType, body));
    }

    @Autowired
    ApplicationContext context;

    @Autowired
    RouteTable table;

    private String allowedKey;
    private String unauthorizedKey;
    private String revokedKey;

    @BeforeAll
    void principals() {
        WebTestClient root = root();
        for (String topic : List.of("sec-t", "sec-doomed")) {
            root.post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"name\": \"" + topic + "\", \"partitions\": 2}").exchange()
                    .expectStatus().isCreated();
        }
        allowedKey = createKey("alice");
        for (String operation : List.of("read", "write", "create", "delete", "alter", "describe")) {
            allow("alice", "topic", "sec-", "prefixed", operation);
        }
        allow("alice", "group", "sec-", "prefixed", "read");
        allow("alice", "group", "sec-", "prefixed", "describe");
        allow("alice", "cluster", "kafka-cluster", "literal", "alter");
        unauthorizedKey = createKey("bob");
        revokedKey = createKey("carol");
        allow("carol", "topic", "*", "literal", "describe");
        String carolsId = ApiKeyHash.id(ApiKeyHash.hash(revokedKey));
        root.delete().uri("/v1/admin/api-keys/" + carolsId).exchange().expectStatus().isNoContent();
    }

    @Test
    void everyLiveRouteHasARuleAndASampleAndEveryRuleAnswersARoute() {
        Set<String> live = LiveRoutes.of(context);
        assertThat(live).as("routes found").hasSizeGreaterThan(20);
        List<String> rules = table.rules().stream().map(r -> r.method().name() + " " + r.pattern()).toList();
        for (String route : live) {
            String[] parts = route.split(" ", 2);
            var match = table.match(HttpMethod.valueOf(parts[0]), PathContainer.parsePath(
                    parts[1].replaceAll("\\{[^}]+}", "x")));
            assertThat(match).as("a rule for " + route).isPresent();
            assertThat(match.get().rule().pattern()).as("the rule for " + route).isEqualTo(parts[1]);
            assertThat(SAMPLES).as("a sample request in this test for " + route).containsKey(route);
        }
        assertThat(live).as("routes of the table's rules").containsAll(rules);
    }

    @Test
    void withoutValidCredentialsEveryRouteAnswers401WithABearerChallenge() {
        Map<String, WebTestClient> callers = new LinkedHashMap<>();
        callers.put("no credentials", client());
        callers.put("a bad key", as("bb_" + "A".repeat(43)));
        callers.put("a malformed token", as("not-a-token"));
        callers.put("an expired key", as(EXPIRED_KEY));
        callers.put("a revoked key", as(revokedKey));
        for (String route : LiveRoutes.of(context)) {
            callers.forEach((caller, client) -> {
                EntityExchangeResult<byte[]> result = send(client, route);
                assertThat(result.getStatus().value()).as(route + " with " + caller).isEqualTo(401);
                assertThat(problemType(result)).as(route + " with " + caller).isEqualTo(PROBLEMS + "unauthenticated");
                assertThat(result.getResponseHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE))
                        .as(route + " with " + caller).startsWith("Bearer realm=\"backbone\"");
            });
        }
    }

    @Test
    void aPrincipalWithoutAclsIsRefusedEverywhereAndListsNothing() {
        WebTestClient bob = as(unauthorizedKey);
        for (String route : LiveRoutes.of(context)) {
            EntityExchangeResult<byte[]> result = send(bob, route);
            if (route.equals("GET /v1/topics") || route.equals("GET /v1/groups")) {
                assertThat(result.getStatus().value()).as(route).isEqualTo(200);
                JsonNode list = json(result.getResponseBody());
                assertThat(list.path(route.endsWith("topics") ? "topics" : "groups").size()).as(route).isZero();
                continue;
            }
            assertThat(result.getStatus().value()).as(route).isEqualTo(403);
            JsonNode problem = json(result.getResponseBody());
            assertThat(problem.path("type").asString()).as(route).isEqualTo(PROBLEMS + "access-denied");
            assertThat(problem.path("operation").asString()).as(route).isNotEmpty();
            assertThat(problem.path("resourceName").asString()).as(route).isNotEmpty();
            assertThat(problem.path("detail").asString()).as(route).contains("'bob'");
        }
    }

    @Test
    void anAllowedPrincipalGetsPastSecurityEverywhere() {
        WebTestClient alice = as(allowedKey);
        List<String> refused = new ArrayList<>();
        for (String route : LiveRoutes.of(context)) {
            int status = send(alice, route).getStatus().value();
            if (status == 401 || status == 403) {
                refused.add(route + " -> " + status);
            }
        }
        assertThat(refused).isEmpty();
        alice.get().uri("/v1/topics").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.topics[?(@.name == 'sec-t')]").exists();
    }

    private static EntityExchangeResult<byte[]> send(WebTestClient client, String route) {
        String[] parts = route.split(" ", 2);
        Sample sample = SAMPLES.get(route);
        assertThat(sample).as("a sample request for " + route).isNotNull();
        WebTestClient.RequestBodySpec request = client.method(HttpMethod.valueOf(parts[0])).uri(sample.path())
                .accept(MediaType.APPLICATION_JSON);
        WebTestClient.RequestHeadersSpec<?> ready = sample.body() == null ? request
                : request.contentType(sample.contentType()).bodyValue(sample.body());
        return ready.exchange().expectBody().returnResult();
    }

    private static String problemType(EntityExchangeResult<byte[]> result) {
        return json(result.getResponseBody()).path("type").asString();
    }
}
