package dev.backbone.server.cluster;

import dev.backbone.server.BackboneServerApplication;
import dev.backbone.server.testing.Await;
import dev.backbone.server.testing.ChildJvm;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Brokers of one cluster, each a real child JVM on 127.0.0.1 with its own data directory and ports, started,
 * killed with SIGKILL and restarted by the test. Each child's output goes to {@code broker-<i>.out} in the base
 * directory, for the post-mortem of a failed run.
 *
 * <p>Thread safety: used by one test thread.
 */
final class BrokerCluster implements AutoCloseable {

    private final Path baseDir;
    private final int[] raftPorts;
    private final int[] httpPorts;
    private final String peers;
    private final Process[] processes;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private BrokerCluster(Path baseDir, int size) throws IOException {
        this.baseDir = baseDir;
        this.raftPorts = freePorts(size);
        this.httpPorts = freePorts(size);
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            entries.add(id(i) + "=127.0.0.1:" + raftPorts[i] + ":" + httpPorts[i]);
        }
        this.peers = String.join(",", entries);
        this.processes = new Process[size];
    }

    /** Starts {@code size} brokers and waits until each is ready (knows a metadata leader). */
    static BrokerCluster start(Path baseDir, int size) throws IOException, InterruptedException {
        BrokerCluster cluster = new BrokerCluster(baseDir, size);
        try {
            for (int i = 0; i < size; i++) {
                cluster.launch(i);
            }
            for (int i = 0; i < size; i++) {
                cluster.awaitReady(i);
            }
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    static String id(int index) {
        return "b" + index;
    }

    int size() {
        return processes.length;
    }

    String url(int index) {
        return "http://127.0.0.1:" + httpPorts[index];
    }

    int indexOf(String id) {
        return Integer.parseInt(id.substring(1));
    }

    Path dataDir(int index) {
        return baseDir.resolve(id(index));
    }

    boolean isRunning(int index) {
        return processes[index] != null && processes[index].isAlive();
    }

    void launch(int index) throws IOException {
        ProcessBuilder builder = ChildJvm.command(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                BackboneServerApplication.class,
                "--server.address=127.0.0.1", "--server.port=" + httpPorts[index],
                "--backbone.data-dir=" + dataDir(index), "--backbone.cluster.node-id=" + id(index),
                "--backbone.cluster.peers=" + peers, "--backbone.cluster.request-timeout=10s",
                // Snapshots (and so Raft log purges and restarts from a snapshot) within the few entries a test writes.
                "--backbone.cluster.snapshot-interval-entries=8",
                "--logging.level.root=WARN", "--spring.main.banner-mode=off");
        Path out = baseDir.resolve("broker-" + index + ".out");
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
        processes[index] = builder.start();
    }

    void awaitReady(int index) throws InterruptedException {
        Await.until(() -> {
            if (!isRunning(index)) {
                throw new AssertionError("broker " + id(index) + " exited: " + output(index));
            }
            HttpResponse<String> ready = get(index, "/actuator/health/readiness");
            return ready != null && ready.statusCode() == 200;
        }, "broker " + id(index) + " ready", Duration.ofSeconds(180));
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    void kill(int index) throws InterruptedException {
        Process process = processes[index];
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("broker " + id(index) + " did not die");
        }
    }

    HttpResponse<String> get(int index, String path) {
        return send(index, HttpRequest.newBuilder(URI.create(url(index) + path)).GET());
    }

    HttpResponse<String> postJson(int index, String path, String json) {
        return send(index, HttpRequest.newBuilder(URI.create(url(index) + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** The answer, or null when the broker could not be reached. */
    HttpResponse<String> send(int index, HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** A binary consume: the stored batches as the broker sends them. */
    HttpResponse<byte[]> sendBytes(int index, String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url(index) + path))
                .header("Accept", "application/vnd.backbone.batch").timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " on " + id(index) + ": " + response.statusCode());
        }
        return response;
    }

    String output(int index) {
        try {
            List<String> lines = Files.readAllLines(baseDir.resolve("broker-" + index + ".out"));
            return lines.subList(Math.max(0, lines.size() - 40), lines.size()).stream()
                    .collect(Collectors.joining("\n"));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() {
        for (Process process : processes) {
            if (process != null) {
                process.destroyForcibly();
            }
        }
        for (Process process : processes) {
            if (process != null) {
                try {
                    process.waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static int[] freePorts(int count) throws IOException {
        int[] ports = new int[count];
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
        return ports;
    }
}
