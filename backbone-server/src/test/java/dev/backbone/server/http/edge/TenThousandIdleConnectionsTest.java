package dev.backbone.server.http.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.server.testing.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 connections open and silent, held by a child JVM (its sockets count against its own descriptor limit):
 * the broker keeps them (the default connection limit is above), and meanwhile serves a normal client's produce,
 * consume and health checks; when they go, the broker's connection count falls back.
 */
class TenThousandIdleConnectionsTest {

    private static final int IDLE = 10_000;

    @TempDir
    Path dataDir;

    @Test
    void tenThousandIdleConnectionsDoNotStopOtherClients() throws Exception {
        try (EdgeBroker broker = EdgeBroker.start(dataDir)) {
            EdgeServerCustomizer edge = broker.bean(EdgeServerCustomizer.class);
            Process swarm = new ProcessBuilder(javaCommand(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                    IdleSwarm.class.getName(), "127.0.0.1", Integer.toString(broker.port()), Integer.toString(IDLE),
                    "120").redirectErrorStream(true).start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> readLines(swarm, lines), "idle-swarm-output");
            reader.setDaemon(true);
            reader.start();
            try {
                assertThat(awaitLine(lines, "OPEN", 90)).isEqualTo("OPEN " + IDLE + " failed=0");
                Await.until(() -> edge.openConnections() >= IDLE, "the broker holds every idle connection",
                        Duration.ofSeconds(30));

                assertThat(broker.postJson("/v1/topics/busy/records", "{\"records\": [{\"value\": \"served\"}]}",
                        null).statusCode()).isEqualTo(200);
                assertThat(broker.get("/v1/topics/busy/partitions/0/records?offset=0", null).body())
                        .contains("served");
                assertThat(broker.get("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
                assertThat(edge.openConnections()).isGreaterThan(IDLE);
            } finally {
                swarm.getOutputStream().close();
                if (!swarm.waitFor(30, TimeUnit.SECONDS)) {
                    swarm.destroyForcibly();
                }
            }
            Await.until(() -> edge.openConnections() < 10, "the idle connections are gone",
                    Duration.ofSeconds(30));
        }
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString());
    }

    private static void readLines(Process process, BlockingQueue<String> lines) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("READ FAILED " + e);
        }
    }

    private static String awaitLine(BlockingQueue<String> lines, String prefix, int seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                if (line.startsWith(prefix)) {
                    return line;
                }
                seen.append(line).append('\n');
            }
        }
        throw new AssertionError("no line starting with " + prefix + " within " + seconds + " s; saw " + seen);
    }
}
