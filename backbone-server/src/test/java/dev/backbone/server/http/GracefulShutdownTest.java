package dev.backbone.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.server.log.LogManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.MediaType;

/**
 * Stopping the broker answers parked long polls at once instead of holding the shutdown for their whole wait, and
 * closes the logs cleanly, so the next start skips recovery.
 */
class GracefulShutdownTest {

    @TempDir
    Path dataDir;

    @Test
    void shutdownReleasesLongPollsAndClosesTheLogsCleanly() throws Exception {
        long maxWaitMs = 120_000;
        BrokerProcess broker = BrokerProcess.start(dataDir, "backbone.long-poll.max-wait=120s");
        CompletableFuture<HttpResponse<String>> parked;
        long stopping;
        try {
            broker.client().post().uri("/v1/topics/quiet/records").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"records\": [{\"value\": 1}]}").exchange().expectStatus().isOk();
            LongPollWaiters waiters = broker.bean(LongPollWaiters.class);
            HttpClient http = HttpClient.newHttpClient();
            parked = http.sendAsync(HttpRequest.newBuilder(URI.create(broker.baseUrl()
                            + "/v1/topics/quiet/partitions/0/records?offset=1&maxWaitMs=" + maxWaitMs))
                    .timeout(Duration.ofSeconds(150)).GET().build(), HttpResponse.BodyHandlers.ofString());
            LongPollTest.awaitTrue(() -> waiters.waiting() == 1, "the consume parked");
            stopping = System.nanoTime();
        } finally {
            broker.close();
        }
        long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping);
        HttpResponse<String> answer = parked.get(30, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("\"records\":[]");
        assertThat(stopMs).as("shutdown did not wait out the long poll").isLessThan(maxWaitMs / 2);

        try (BrokerProcess again = BrokerProcess.start(dataDir)) {
            assertThat(again.bean(LogManager.class).startedAfterCleanShutdown()).isTrue();
            again.client().get().uri("/v1/topics/quiet").exchange().expectStatus().isOk();
        }
    }
}
