package dev.backbone.server.http;

import static dev.backbone.server.http.TopicsApiTest.problem;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

class LongPollTest extends BrokerIntegrationTest {

    private static final long MAX_WAIT_MS = 20_000;

    @Autowired
    LongPollWaiters waiters;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void aWaitingConsumeIsAnsweredAsSoonAsARecordArrives() throws Exception {
        createTopic("lp-wake", 2);
        int before = waiters.waiting();
        CompletableFuture<HttpResponse<String>> json = get("/v1/topics/lp-wake/partitions/1/records?offset=0"
                + "&maxWaitMs=" + MAX_WAIT_MS, "application/json");
        CompletableFuture<HttpResponse<byte[]>> binary = http.sendAsync(request("/v1/topics/lp-wake/partitions/1"
                + "/records?offset=0&maxWaitMs=" + MAX_WAIT_MS, BackboneMediaTypes.BATCH_VALUE),
                HttpResponse.BodyHandlers.ofByteArray());
        CompletableFuture<HttpResponse<String>> otherPartition = get("/v1/topics/lp-wake/partitions/0/records"
                + "?offset=0&maxWaitMs=" + MAX_WAIT_MS, "application/json");
        awaitTrue(() -> waiters.waiting() >= before + 3, "three consumes parked");

        long producedAt = System.nanoTime();
        client().post().uri("/v1/topics/lp-wake/partitions/1/records").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"records\": [{\"value\": {\"n\": 1}}]}").exchange().expectStatus().isOk();
        HttpResponse<String> answer = json.get(MAX_WAIT_MS, TimeUnit.MILLISECONDS);
        HttpResponse<byte[]> binaryAnswer = binary.get(MAX_WAIT_MS, TimeUnit.MILLISECONDS);
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - producedAt);

        assertThat(waitedMs).as("answered long before the wait ended").isLessThan(MAX_WAIT_MS / 2);
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode body = json(answer.body());
        assertThat(body.path("records")).hasSize(1);
        assertThat(body.path("records").get(0).path("value").path("n").asInt()).isEqualTo(1);
        assertThat(answer.headers().firstValue(BackboneHeaders.NEXT_OFFSET)).hasValue("1");
        assertThat(binaryAnswer.statusCode()).isEqualTo(200);
        assertThat(binaryAnswer.body()).isNotEmpty();
        // An append to partition 1 does not wake partition 0's waiter.
        assertThat(otherPartition).isNotDone();
        otherPartition.cancel(true);
    }

    @Test
    void aWaitThatSeesNothingAnswersEmptyAtItsEnd() {
        createTopic("lp-timeout", 1);
        JsonNode body = json(client().get().uri("/v1/topics/lp-timeout/partitions/0/records?offset=0&maxWaitMs=300")
                .exchange().expectStatus().isOk()
                .expectHeader().valueEquals(BackboneHeaders.NEXT_OFFSET, "0")
                .expectBody().returnResult().getResponseBody());
        assertThat(body.path("records")).isEmpty();
        assertThat(body.path("nextOffset").asLong()).isZero();
    }

    @Test
    void aClientThatGoesAwayReleasesItsWaiter() throws Exception {
        createTopic("lp-gone", 1);
        int before = waiters.waiting();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /v1/topics/lp-gone/partitions/0/records?offset=0&maxWaitMs=" + MAX_WAIT_MS
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            awaitTrue(() -> waiters.waiting() == before + 1, "the consume parked");
        }
        awaitTrue(() -> waiters.waiting() == before, "the waiter released after the client closed");
    }

    @Test
    void deletingTheTopicAnswersItsWaitersWith404() throws Exception {
        createTopic("lp-deleted", 1);
        int before = waiters.waiting();
        CompletableFuture<HttpResponse<String>> waiting = get("/v1/topics/lp-deleted/partitions/0/records?offset=0"
                + "&maxWaitMs=" + MAX_WAIT_MS, "application/json");
        awaitTrue(() -> waiters.waiting() == before + 1, "the consume parked");
        client().delete().uri("/v1/topics/lp-deleted").exchange().expectStatus().isNoContent();
        HttpResponse<String> answer = waiting.get(MAX_WAIT_MS, TimeUnit.MILLISECONDS);
        assertThat(answer.statusCode()).isEqualTo(404);
        problem(answer.body().getBytes(StandardCharsets.UTF_8), "unknown-topic", 404);
    }

    @Test
    void aConsumeBehindTheEndDoesNotWait() {
        createTopic("lp-behind", 1);
        client().post().uri("/v1/topics/lp-behind/records").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"records\": [{\"value\": 1}]}").exchange().expectStatus().isOk();
        long started = System.nanoTime();
        JsonNode body = json(client().get().uri("/v1/topics/lp-behind/partitions/0/records?offset=0&maxWaitMs="
                + MAX_WAIT_MS).exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
        assertThat(body.path("records")).hasSize(1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(MAX_WAIT_MS / 2);
    }

    private CompletableFuture<HttpResponse<String>> get(String path, String accept) {
        return http.sendAsync(request(path, accept), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String path, String accept) {
        return HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Accept", accept)
                .timeout(Duration.ofSeconds(60)).GET().build();
    }

    private void createTopic(String name, int partitions) {
        client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"" + name + "\", \"partitions\": " + partitions + "}")
                .exchange().expectStatus().isCreated();
    }

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        awaitTrue(condition, what, 15);
    }

    static void awaitTrue(BooleanSupplier condition, String what, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }
}
