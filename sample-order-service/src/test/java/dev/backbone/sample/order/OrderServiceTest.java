package dev.backbone.sample.order;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.spring.audit.AuditEntry;
import dev.backbone.spring.audit.AuditTrail;
import dev.backbone.spring.eventstore.EventStore;
import dev.backbone.spring.eventstore.StoredEvent;
import dev.backbone.test.EmbeddedBackbone;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;

/** The order service over real HTTP, on a real broker: the aggregate's life, its refusals, its races, its audit. */
@EmbeddedBackbone
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OrderServiceTest {

    private static final String PLACE = """
            {"customer": "ada", "lines": [{"sku": "book-1", "quantity": 2, "unitPrice": 12.50},
                                          {"sku": "pen-9", "quantity": 1, "unitPrice": 3.00}]}""";

    @LocalServerPort
    int port;
    @Autowired
    EventStore store;
    @Autowired
    AuditTrail audit;

    private RestClient http;
    private ExecutorService pool;

    @BeforeEach
    void client() {
        http = RestClient.builder().baseUrl("http://127.0.0.1:" + port)
                .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> { })
                .build();
        pool = Executors.newFixedThreadPool(8);
    }

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    @Test
    void placePayShipAndTheOrderIsRebuiltFromItsEvents() {
        ResponseEntity<JsonNode> placed = post("/orders", PLACE, "ada");
        assertThat(placed.getStatusCode().value()).isEqualTo(201);
        String id = placed.getBody().get("id").asString();
        assertThat(placed.getHeaders().getLocation()).hasToString("/orders/" + id);
        assertThat(placed.getBody().get("total").decimalValue()).isEqualByComparingTo("28.00");

        assertThat(post("/orders/" + id + "/payment", "{\"paymentReference\": \"pay-77\"}", "ada")
                .getStatusCode().value()).isEqualTo(200);
        ResponseEntity<JsonNode> shipped = post("/orders/" + id + "/shipment",
                "{\"carrier\": \"dhl\", \"trackingNumber\": \"JD0001\"}", "warehouse-bot");
        assertThat(shipped.getStatusCode().value()).isEqualTo(200);

        ResponseEntity<JsonNode> read = http.get().uri("/orders/{id}", id).retrieve().toEntity(JsonNode.class);
        assertThat(read.getBody().get("status").asString()).isEqualTo("SHIPPED");
        assertThat(read.getBody().get("paymentReference").asString()).isEqualTo("pay-77");
        assertThat(read.getBody().get("trackingNumber").asString()).isEqualTo("JD0001");
        long version = read.getBody().get("version").asLong();
        assertThat(read.getHeaders().getETag()).isEqualTo("\"" + version + "\"");

        List<StoredEvent<OrderEvent>> events = store.read(OrderCommands.TOPIC, id, OrderEvent.class);
        assertThat(events).extracting(StoredEvent::type)
                .containsExactly("order.placed", "order.paid", "order.shipped");
        assertThat(events.get(events.size() - 1).version()).isEqualTo(version);

        JsonNode statistics = awaitStatistics(s -> s.path("events").path("order.shipped").asLong() >= 1);
        assertThat(statistics.path("events").path("order.placed").asLong()).isPositive();
        assertThat(statistics.path("revenue").decimalValue()).isGreaterThanOrEqualTo(new BigDecimal("28.00"));
    }

    private JsonNode awaitStatistics(java.util.function.Predicate<JsonNode> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = http.get().uri("/orders/statistics").retrieve().body(JsonNode.class);
            if (done.test(last)) {
                return last;
            }
            sleep();
        }
        throw new AssertionError("statistics never caught up: " + last);
    }

    @Test
    void anIllegalTransitionIsA409ProblemAndWritesNothing() {
        String id = post("/orders", PLACE, "ada").getBody().get("id").asString();
        ResponseEntity<JsonNode> refused = post("/orders/" + id + "/shipment",
                "{\"carrier\": \"dhl\", \"trackingNumber\": \"JD0002\"}", "ada");

        assertThat(refused.getStatusCode().value()).isEqualTo(409);
        assertThat(refused.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(refused.getBody().get("type").asString()).endsWith("/illegal-transition");
        assertThat(refused.getBody().get("orderStatus").asString()).isEqualTo("PLACED");
        assertThat(refused.getBody().get("command").asString()).isEqualTo("ship");
        assertThat(store.read(OrderCommands.TOPIC, id, OrderEvent.class)).hasSize(1);
    }

    @Test
    void unknownOrdersAndBadRequestsAreProblems() {
        ResponseEntity<JsonNode> unknown = http.get().uri("/orders/order-nope").retrieve().toEntity(JsonNode.class);
        assertThat(unknown.getStatusCode().value()).isEqualTo(404);
        assertThat(unknown.getBody().get("type").asString()).endsWith("/unknown-order");

        ResponseEntity<JsonNode> invalid = post("/orders", "{\"customer\": \"\", \"lines\": []}", "ada");
        assertThat(invalid.getStatusCode().value()).isEqualTo(400);
        assertThat(invalid.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    }

    /**
     * Eight commands race on one order. Whatever the interleaving, each success is one stored event with its own
     * version, each refusal stored nothing, and the order read back is the fold of exactly those events.
     */
    @Test
    void concurrentCommandsOnOneOrderNeverLoseAnUpdate() throws Exception {
        String id = post("/orders", PLACE, "ada").getBody().get("id").asString();
        List<Callable<ResponseEntity<JsonNode>>> commands = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            commands.add(() -> post("/orders/" + id + "/payment", "{\"paymentReference\": \"p\"}", "racer"));
            commands.add(() -> post("/orders/" + id + "/cancellation", "{\"reason\": \"r\"}", "racer"));
        }
        List<Integer> statuses = new ArrayList<>();
        List<Long> versions = new ArrayList<>();
        for (Future<ResponseEntity<JsonNode>> f : pool.invokeAll(commands, 60, TimeUnit.SECONDS)) {
            ResponseEntity<JsonNode> answer = f.get();
            statuses.add(answer.getStatusCode().value());
            if (answer.getStatusCode().is2xxSuccessful()) {
                versions.add(answer.getBody().get("version").asLong());
            }
        }
        assertThat(statuses).allMatch(s -> s == 200 || s == 409);
        List<StoredEvent<OrderEvent>> events = store.read(OrderCommands.TOPIC, id, OrderEvent.class);
        assertThat(events).hasSize(1 + versions.size());
        assertThat(versions).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(events.subList(1, events.size()).stream()
                        .map(StoredEvent::version).toList());
        Order folded = Order.none(id);
        for (StoredEvent<OrderEvent> e : events) {
            folded = folded.apply(e.payload());
        }
        JsonNode read = http.get().uri("/orders/{id}", id).retrieve().body(JsonNode.class);
        assertThat(read.get("status").asString()).isEqualTo(folded.status().name());
    }

    @Test
    void everyCommandIsAuditedWithItsActorAndOutcome() {
        String id = post("/orders", PLACE, "grace").getBody().get("id").asString();
        post("/orders/" + id + "/shipment", "{\"carrier\": \"ups\", \"trackingNumber\": \"1Z\"}", "mallory");

        List<AuditEntry> mine = awaitEntries(id, 2);
        assertThat(mine).extracting(AuditEntry::action, AuditEntry::actor, AuditEntry::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("order.place", "grace", AuditEntry.Outcome.SUCCESS),
                org.assertj.core.groups.Tuple.tuple("order.ship", "mallory", AuditEntry.Outcome.FAILURE));
        assertThat(audit.verify().valid()).isTrue();
    }

    private List<AuditEntry> awaitEntries(String entityId, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            List<AuditEntry> mine = audit.entries().stream().filter(e -> entityId.equals(e.entityId())).toList();
            if (mine.size() >= count || System.nanoTime() > deadline) {
                return mine;
            }
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private ResponseEntity<JsonNode> post(String path, String json, String actor) {
        return http.post().uri(path).contentType(MediaType.APPLICATION_JSON).header(RequestActor.HEADER, actor)
                .body(json).retrieve().toEntity(JsonNode.class);
    }
}
