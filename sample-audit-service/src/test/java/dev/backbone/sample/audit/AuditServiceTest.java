package dev.backbone.sample.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.client.http.BackboneClient;
import dev.backbone.spring.audit.AuditEntry;
import dev.backbone.spring.audit.AuditTrail;
import dev.backbone.spring.publish.BackbonePublisher;
import dev.backbone.spring.serde.EventType;
import dev.backbone.test.EmbeddedBackbone;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The audit service on a real broker: its view of the audit topic, the business events, the chain, dead letters. */
@EmbeddedBackbone
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuditServiceTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** An order event as the order service writes it, with its event type. */
    @EventType("order.placed")
    record Placed(String orderId, double total) {
    }

    @LocalServerPort
    int port;
    @Autowired
    AuditTrail trail;
    @Autowired
    BackbonePublisher publisher;
    @Autowired
    BackboneClient client;
    @Autowired
    JsonMapper mapper;

    private RestClient http;

    @BeforeEach
    void client() {
        http = RestClient.builder().baseUrl("http://127.0.0.1:" + port)
                .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> { })
                .build();
    }

    @Test
    void auditEntriesAreQueryableByEntityActorAndTime() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        trail.record(new AuditEntry("alice", "order.pay", "order", "order-a1", AuditEntry.Outcome.SUCCESS,
                Map.of(), Instant.now())).get();
        trail.record(new AuditEntry("bob", "order.cancel", "order", "order-a1", AuditEntry.Outcome.FAILURE,
                Map.of("exception", "IllegalTransitionException"), Instant.now())).get();

        JsonNode byEntity = await("/audit/entries?entity=order-a1", n -> n.size() == 2);
        assertThat(byEntity.get(0).get("actor").asString()).isEqualTo("alice");
        assertThat(byEntity.get(1).get("outcome").asString()).isEqualTo("FAILURE");
        assertThat(get("/audit/entries?actor=bob&entity=order-a1")).hasSize(1);
        assertThat(get("/audit/entries?entity=order-a1&from=" + before + "&to=" + Instant.now().plusSeconds(60)))
                .hasSize(2);
        assertThat(get("/audit/entries?entity=order-a1&to=" + before)).isEmpty();
        assertThat(get("/audit/chain").get("valid").asBoolean()).isTrue();
    }

    @Test
    void businessEventsAreRecordedByEntityAndUnreadableOnesAreDeadLettered() throws Exception {
        publisher.publish("orders", "order-b1", new Placed("order-b1", 12.5)).get();
        publisher.publish("orders", "order-b2", "not json at all".getBytes(StandardCharsets.UTF_8)).get();
        publisher.publish("orders", "order-b3", Map.of("note", "no order id")).get();

        JsonNode entity = await("/audit/entities/order-b1", n -> n.get("events").size() == 1);
        assertThat(entity.get("events").get(0).get("type").asString()).isEqualTo("order.placed");
        JsonNode dead = await("/dead-letters", n -> n.size() >= 2);
        assertThat(dead.findValuesAsString("key")).contains("order-b2", "order-b3");
    }

    @Test
    void theViewIsRebuiltFromTheAuditTopicAtStart() throws Exception {
        trail.record(AuditEntry.success("carol", "order.ship", "order", "order-c1")).get();
        AuditView fresh = new AuditView();
        new AuditViewRebuild(client, mapper, fresh, "audit").run(null);
        assertThat(fresh.size()).isEqualTo(trail.entries().size());
        assertThat(fresh.query("order-c1", "carol", null, null)).hasSize(1);
    }

    private JsonNode get(String path) {
        return http.get().uri(path).retrieve().body(JsonNode.class);
    }

    private JsonNode await(String path, Predicate<JsonNode> done) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = get(path);
            if (last != null && done.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Timed out after " + TIMEOUT + " on " + path + "; last answer: " + last);
    }
}
