package dev.backbone.server.http.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.server.testing.Await;
import dev.backbone.server.testing.ChildJvm;
import dev.backbone.server.testing.ChildOutput;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
            Process swarm = ChildJvm.command(List.of("-Xmx64m"), IdleSwarm.class, "127.0.0.1",
                    Integer.toString(broker.port()), Integer.toString(IDLE), "120").redirectErrorStream(true).start();
            ChildOutput output = ChildOutput.follow(swarm, "idle-swarm-output");
            try {
                assertThat(output.awaitLine("OPEN", 90)).isEqualTo("OPEN " + IDLE + " failed=0");
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
}
