package dev.backbone.server.http;

import dev.backbone.server.BackboneServerApplication;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A broker that runs out of file descriptors: a child JVM under {@code ulimit -n 512}, given topics of ten
 * partitions until one cannot be created. That creation must answer 503 {@code too-many-open-files} naming the
 * limit, leave nothing of the topic on disk, and the topics already open must keep taking and serving records.
 * The bound on open segment files is lifted, so that every partition keeps its descriptor and the limit is hit.
 */
class OpenFileLimitTest {

    private static final int OPEN_FILE_LIMIT = 512;
    private static final Duration START_DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path dataDir;

    @TempDir
    Path logDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void runningOutOfFilesIsAClearProblemAndLeavesNothingHalfMade() throws Exception {
        int port = freePort();
        Path log = logDir.resolve("broker.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "ulimit -n " + OPEN_FILE_LIMIT + " && exec \"$0\" -Xmx256m -XX:TieredStopAtLevel=1 -cp \"$1\" "
                + BackboneServerApplication.class.getName() + " --server.address=127.0.0.1 --server.port=\"$2\""
                + " --backbone.data-dir=\"$3\" --backbone.storage.file-delete-delay=0s --logging.level.root=WARN"
                + " --backbone.storage.max-open-segment-files=100000"
                + " --spring.main.banner-mode=off";
        Process broker = new ProcessBuilder("bash", "-c", command, java, System.getProperty("java.class.path"),
                Integer.toString(port), dataDir.toString()).redirectErrorStream(true).redirectOutput(log.toFile())
                .start();
        try {
            String base = "http://127.0.0.1:" + port;
            awaitHealthy(base, broker, log);
            int created = 0;
            HttpResponse<String> refused = null;
            for (int i = 0; i < 100 && refused == null; i++) {
                HttpResponse<String> response = send("POST", base + "/v1/topics",
                        "{\"name\":\"many-" + i + "\",\"partitions\":10}");
                if (response.statusCode() == 201) {
                    created++;
                } else {
                    refused = response;
                }
            }
            assertThat(refused).as("the limit of %d files was never reached", OPEN_FILE_LIMIT).isNotNull();
            assertThat(created).isPositive();
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(refused.body()).contains("too-many-open-files").contains("\"maxOpenFiles\":" + OPEN_FILE_LIMIT);

            String failed = "many-" + created;
            assertThat(send("GET", base + "/v1/topics/" + failed, null).statusCode()).isEqualTo(404);
            assertThat(Files.exists(dataDir.resolve("topics").resolve(failed + ".json"))).isFalse();
            try (Stream<Path> entries = Files.list(dataDir)) {
                List<String> leftovers = entries.map(p -> p.getFileName().toString())
                        .filter(name -> name.startsWith(failed + "-") && !name.endsWith("-delete")).toList();
                assertThat(leftovers).as("partition directories of the refused topic").isEmpty();
            }

            HttpResponse<String> produced = send("POST", base + "/v1/topics/many-0/records",
                    "{\"records\":[{\"value\":\"still serving\",\"partition\":3}]}");
            assertThat(produced.statusCode()).as(produced.body()).isEqualTo(200);
            HttpResponse<String> consumed = send("GET", base + "/v1/topics/many-0/partitions/3/records?offset=0",
                    null);
            assertThat(consumed.statusCode()).as(consumed.body()).isEqualTo(200);
            assertThat(consumed.body()).contains("still serving");
        } finally {
            broker.destroyForcibly();
            broker.waitFor();
        }
    }

    private HttpResponse<String> send(String method, String url, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private void awaitHealthy(String base, Process broker, Path log) throws Exception {
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(broker.isAlive()).as("broker exited: %s", Files.readString(log)).isTrue();
            try {
                if (send("GET", base + "/actuator/health", null).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("broker not healthy within " + START_DEADLINE + ": " + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
