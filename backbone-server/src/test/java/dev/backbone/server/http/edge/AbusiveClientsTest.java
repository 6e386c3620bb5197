package dev.backbone.server.http.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.server.http.LongPollWaiters;
import dev.backbone.server.testing.Await;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Clients that misbehave, against one real broker with tight limits: a slowloris head, a body that stops halfway,
 * connections beyond the maximum, principals over their quotas, too many parked consumes; and CORS for browsers.
 * Each time the broker answers as documented, writes nothing it should not, and keeps serving everyone else.
 */
class AbusiveClientsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_CONNECTIONS = 8;

    @TempDir
    static Path dataDir;

    private static EdgeBroker broker;

    @BeforeAll
    static void start() {
        broker = EdgeBroker.start(dataDir,
                "backbone.http.request-head-timeout=1s",
                "backbone.http.body-read-timeout=1s",
                "backbone.http.max-connections=" + MAX_CONNECTIONS,
                "backbone.quotas.principals.alice.produce-bytes-per-second=1KB",
                "backbone.quotas.principals.alice.fetch-bytes-per-second=1KB",
                "backbone.quotas.principals.carol.requests-per-second=2",
                "backbone.quotas.burst=1s",
                "backbone.quotas.max-fetch-delay=200ms",
                "backbone.limits.max-waiters-per-principal=2",
                "backbone.http.cors.enabled=true",
                "backbone.http.cors.allowed-origins=https://app.example.com");
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void aSlowlorisHeadIsCutWithin408WhileOthersAreServed() throws Exception {
        try (Socket slow = new Socket("127.0.0.1", broker.port())) {
            slow.setSoTimeout(15_000);
            OutputStream out = slow.getOutputStream();
            out.write("GET /v1/topics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long started = System.nanoTime();
            AtomicBoolean cut = new AtomicBoolean();
            Thread dribbler = new Thread(() -> dribble(out, cut), "slowloris");
            dribbler.setDaemon(true);
            dribbler.start();

            assertThat(broker.get("/v1/topics", null).statusCode()).isEqualTo(200);
            String answer = readUntilClosed(slow.getInputStream());
            cut.set(true);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            assertThat(answer).startsWith("HTTP/1.1 408 ").contains("application/problem+json")
                    .contains("https://backbone.dev/problems/request-timeout");
            assertThat(tookMs).as("cut within a generous bound of the 1 s head timeout").isLessThan(10_000);
            assertThat(broker.get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aHeadLargerThanTheLimitIs431() throws Exception {
        try (Socket large = new Socket("127.0.0.1", broker.port())) {
            large.setSoTimeout(10_000);
            large.getOutputStream().write(("GET /v1/topics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Large: "
                    + "a".repeat(10_000) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(readUntilClosed(large.getInputStream())).startsWith("HTTP/1.1 431 ");
        }
    }

    @Test
    void aBodyThatStopsHalfwayIsCutAndNothingIsWritten() throws Exception {
        try (Socket stalled = new Socket("127.0.0.1", broker.port())) {
            stalled.setSoTimeout(15_000);
            String head = "POST /v1/topics/stalled-body/records HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"records\": [";
            stalled.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            stalled.getOutputStream().flush();
            readUntilClosed(stalled.getInputStream());
        }
        assertThat(broker.get("/v1/topics/stalled-body", null).statusCode()).isEqualTo(404);
    }

    @Test
    void connectionsBeyondTheMaximumAreClosedAndServiceResumesWhenOneLeaves() throws Exception {
        EdgeServerCustomizer edge = broker.bean(EdgeServerCustomizer.class);
        List<Socket> idle = new ArrayList<>();
        try {
            while (edge.openConnections() < MAX_CONNECTIONS) {
                int before = edge.openConnections();
                idle.add(new Socket("127.0.0.1", broker.port()));
                Await.until(() -> edge.openConnections() > before, "the broker took connection " + idle.size(),
                        Duration.ofSeconds(10));
            }
            try (Socket refused = new Socket("127.0.0.1", broker.port())) {
                refused.setSoTimeout(10_000);
                readUntilClosed(refused.getInputStream());
            }
            idle.remove(0).close();
            Await.until(() -> edge.openConnections() < MAX_CONNECTIONS, "a connection left",
                    Duration.ofSeconds(10));
            try (Socket fresh = new Socket("127.0.0.1", broker.port())) {
                fresh.setSoTimeout(10_000);
                fresh.getOutputStream().write(("GET /actuator/health/liveness HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                assertThat(readUntilClosed(fresh.getInputStream())).startsWith("HTTP/1.1 200 ");
            }
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    @Test
    void aProduceOverTheQuotaIs429WithRetryAfterAndAppendsNothing() throws Exception {
        String records = "{\"records\": [{\"value\": \"" + "x".repeat(3000) + "\"}]}";
        assertThat(broker.postJson("/v1/topics/quota-produce/records", records, "alice").statusCode())
                .isEqualTo(200);

        HttpResponse<String> refused = broker.postJson("/v1/topics/quota-produce/records", "{\"records\": "
                + "[{\"value\": 1}]}", "alice");
        JsonNode problem = problem(refused, "quota-exceeded", 429);
        assertThat(problem.path("principal").asString()).isEqualTo("alice");
        assertThat(problem.path("quota").asString()).isEqualTo("produce-bytes");
        assertThat(problem.path("limitPerSecond").asLong()).isEqualTo(1024);
        assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 3L);

        assertThat(broker.postJson("/v1/topics/quota-produce/records", "{\"records\": [{\"value\": 2}]}", "bob")
                .statusCode()).as("another principal is not held back").isEqualTo(200);
        JsonNode offsets = JSON.readTree(broker.get("/v1/topics/quota-produce/partitions/0/offsets", "bob").body());
        assertThat(offsets.path("endOffset").asLong()).as("alice's refused record was not appended").isEqualTo(2);
        assertThat(throttled("alice", "produce-bytes")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void readsAreChargedAfterTheAnswerAndADebtTooLongToWaitOutIs429() throws Exception {
        broker.postJson("/v1/topics/quota-fetch/records", "{\"records\": [{\"value\": \"" + "y".repeat(4000)
                + "\"}]}", null);
        String consume = "/v1/topics/quota-fetch/partitions/0/records?offset=0";
        assertThat(broker.get(consume, "alice").statusCode()).isEqualTo(200);

        HttpResponse<String> refused = broker.get(consume, "alice");
        JsonNode problem = problem(refused, "quota-exceeded", 429);
        assertThat(problem.path("quota").asString()).isEqualTo("fetch-bytes");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(broker.get(consume, "bob").statusCode()).isEqualTo(200);
        assertThat(throttled("alice", "fetch-bytes")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void requestsOverTheRateAre429() throws Exception {
        HttpResponse<String> last = null;
        for (int i = 0; i < 20 && (last == null || last.statusCode() == 200); i++) {
            last = broker.get("/v1/topics", "carol");
        }
        JsonNode problem = problem(last, "quota-exceeded", 429);
        assertThat(problem.path("quota").asString()).isEqualTo("requests");
        assertThat(broker.get("/v1/topics", "bob").statusCode()).isEqualTo(200);
    }

    @Test
    void aPrincipalWithTheMostParkedConsumesGets429AndOthersStillPark() throws Exception {
        broker.postJson("/v1/topics", "{\"name\": \"waiters\"}", null);
        LongPollWaiters waiters = broker.bean(LongPollWaiters.class);
        String longPoll = "/v1/topics/waiters/partitions/0/records?offset=0&maxWaitMs=20000";
        List<CompletableFuture<HttpResponse<String>>> parked = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            parked.add(broker.client().sendAsync(EdgeBroker.as(HttpRequest.newBuilder(broker.uri(longPoll))
                    .timeout(Duration.ofSeconds(30)), "erin").build(), HttpResponse.BodyHandlers.ofString()));
        }
        Await.until(() -> waiters.waiting("erin") == 2, "erin's two consumes parked", Duration.ofSeconds(10));

        JsonNode problem = problem(broker.get(longPoll, "erin"), "too-many-waiters", 429);
        assertThat(problem.path("limit").asInt()).isEqualTo(2);
        parked.add(broker.client().sendAsync(EdgeBroker.as(HttpRequest.newBuilder(broker.uri(longPoll))
                .timeout(Duration.ofSeconds(30)), "frank").build(), HttpResponse.BodyHandlers.ofString()));
        Await.until(() -> waiters.waiting("frank") == 1, "another principal parks", Duration.ofSeconds(10));

        broker.postJson("/v1/topics/waiters/records", "{\"records\": [{\"value\": \"wake\"}]}", null);
        for (CompletableFuture<HttpResponse<String>> answer : parked) {
            HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("wake");
        }
        assertThat(waiters.waiting("erin")).isZero();
    }

    @Test
    void corsAnswersPreflightsOfAllowedOriginsOnly() throws Exception {
        HttpResponse<String> allowed = broker.send(HttpRequest.newBuilder(broker.uri("/v1/topics/cors/records"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://app.example.com")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,idempotency-key"));
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Methods").orElseThrow()).contains("POST");
        assertThat(allowed.headers().firstValue("Access-Control-Max-Age")).hasValue("1800");

        HttpResponse<String> foreign = broker.send(HttpRequest.newBuilder(broker.uri("/v1/topics/cors/records"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST"));
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        HttpResponse<String> read = broker.send(HttpRequest.newBuilder(broker.uri("/v1/topics"))
                .header("Origin", "https://app.example.com").GET());
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
        assertThat(read.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
                .contains("Backbone-Next-Offset").contains("Retry-After");
    }

    private static double throttled(String principal, String quota) {
        return broker.bean(MeterRegistry.class).get("backbone.quota.throttled").tag("principal", principal)
                .tag("quota", quota).counter().count();
    }

    private static JsonNode problem(HttpResponse<String> response, String slug, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("type").asString()).isEqualTo("https://backbone.dev/problems/" + slug);
        assertThat(problem.path("detail").asString()).isNotEmpty();
        return problem;
    }

    /** Sends a header byte every 250 ms, four times faster than the 1 byte a second of a classic slowloris. */
    private static void dribble(OutputStream out, AtomicBoolean stop) {
        try {
            for (int i = 0; i < 400 && !stop.get(); i++) {
                out.write('a');
                out.flush();
                Thread.sleep(250);
            }
        } catch (IOException | InterruptedException e) {
            // The broker closed the connection: what the test waits for.
        }
    }

    /** Everything the peer sends until it closes (or resets) the connection. */
    private static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the broker kept the connection open; received so far: "
                    + received.toString(StandardCharsets.UTF_8), e);
        } catch (SocketException reset) {
            // A reset closes the connection too.
        }
        return received.toString(StandardCharsets.UTF_8);
    }
}
