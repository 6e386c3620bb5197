package dev.backbone.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.checks.support.Deadline;
import dev.backbone.replication.support.BrokerCluster;
import dev.backbone.replication.support.BrokerNode;
import dev.backbone.replication.support.Http;
import dev.backbone.replication.support.SegmentBatches;
import dev.backbone.replication.support.SharedCluster;
import dev.backbone.replication.workload.Topics;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Acceptance 5 of issue 16: a follower whose data directory is wiped rejoins an idle cluster (Ratis's leader
 * remembers what the follower acknowledged before, so nothing new reaches it until leadership moves, which the
 * follower asks for) and serves the whole partition again, byte for byte what the leader holds, by copying the
 * batches from the leader's snapshot (the Raft log holding them is purged); the time from its restart to serving
 * the end offset is printed. Every broker's Raft log stays bounded all along: each group's log files are measured
 * after the data is in. Short form 48 MB; long form ({@code -Dbackbone.replication.long=true}) the 1 GB.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedCluster.class)
class WipedFollowerTest {

    private static final String TOPIC = "rejoin";
    private static final int RECORD_BYTES = 1024;
    private static final int PER_REQUEST = 100;
    private static final JsonMapper JSON = new JsonMapper();
    /**
     * What a group's Raft log may hold: the entries since the last snapshot (a snapshot every
     * {@link SharedCluster#SNAPSHOT_INTERVAL_MEGABYTES}, or 512 entries of 100 KB here), plus the open segment and
     * the closed one a snapshot fell in (8 MB each). Less than a third of the short form's data, as it must be when
     * the log is purged; the bound of 64 MB in the long form.
     */
    private static final long RAFT_LOG_BOUND_BYTES = Scale.of(24, 64) * 1_000_000L;

    private BrokerCluster cluster;

    @BeforeAll
    void createTheTopic(BrokerCluster shared) {
        cluster = shared;
        cluster.requireReplication();
        Topics.create(cluster, TOPIC, 1, "{}");
    }

    @Test
    void aWipedFollowerCatchesUpOnAnIdleClusterAndHoldsTheSameBatches() throws IOException {
        long megabytes = Scale.of(48, 1024);
        long requests = megabytes * 1_000_000 / (RECORD_BYTES * PER_REQUEST);
        BrokerNode leader = cluster.awaitLeader(TOPIC, 0, Duration.ofSeconds(60));
        String body = body();
        for (long request = 0; request < requests; request++) {
            produce(leader, body, "fill-" + request);
        }
        long end = requests * PER_REQUEST;
        cluster.nodes().forEach(node -> awaitEndOffset(node, end, Duration.ofSeconds(120)));
        for (BrokerNode node : cluster.nodes()) {
            long largest = largestRaftLogBytes(node);
            System.out.printf("WipedFollowerTest: largest Raft log of %s after %d MB: %.1f MB%n", node.id(),
                    megabytes, largest / 1e6);
            assertThat(largest).as("bytes in the largest Raft log of %s after %d MB", node.id(), megabytes)
                    .isLessThan(RAFT_LOG_BOUND_BYTES);
        }
        BrokerNode follower = cluster.nodes().stream().filter(n -> n != leader).findFirst().orElseThrow();

        follower.kill();
        follower.wipeDataDirectory();
        long restarted = System.nanoTime();
        follower.restart(BrokerCluster.READY_TIMEOUT);
        awaitEndOffset(follower, end, Duration.ofSeconds(300));
        double seconds = (System.nanoTime() - restarted) / 1e9;

        System.out.printf("WipedFollowerTest: %s (%d MB, %d records) served again %.1f s after its restart on an "
                + "empty data directory%n", follower.id(), megabytes, end, seconds);
        BrokerNode current = cluster.awaitLeader(TOPIC, 0, Duration.ofSeconds(60));
        assertThat(SegmentBatches.digest(follower.dataDirectory().resolve(TOPIC + "-0")))
                .isEqualTo(SegmentBatches.digest(current.dataDirectory().resolve(TOPIC + "-0")));
    }

    /** The bytes of the largest group's Raft log segments on {@code node} (the partition's, as it holds the data). */
    private static long largestRaftLogBytes(BrokerNode node) throws IOException {
        long largest = 0;
        try (Stream<Path> groups = Files.list(node.dataDirectory().resolve("raft"))) {
            for (Path group : groups.filter(Files::isDirectory).toList()) {
                Path current = group.resolve("current");
                if (!Files.isDirectory(current)) {
                    continue;
                }
                long bytes = 0;
                try (Stream<Path> files = Files.list(current)) {
                    for (Path file : files.filter(f -> f.getFileName().toString().startsWith("log_")).toList()) {
                        bytes += Files.size(file);
                    }
                }
                largest = Math.max(largest, bytes);
            }
        }
        return largest;
    }

    /**
     * One request, retried under its idempotency key while the answer is 503 (a leader change on a loaded machine):
     * the partitions apply it once, so the end offset stays exact.
     */
    private static void produce(BrokerNode broker, String body, String key) {
        String url = broker.baseUrl() + "/v1/topics/" + TOPIC + "/partitions/0/records";
        HttpResponse<String> answer = Deadline.await("request " + key + " acknowledged", Duration.ofSeconds(60), () -> {
            HttpResponse<String> produced = Http.postJson(url, body, Duration.ofSeconds(30), "Idempotency-Key", key);
            return produced.statusCode() == 503 ? Optional.empty() : Optional.of(produced);
        });
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }

    private static void awaitEndOffset(BrokerNode node, long end, Duration timeout) {
        Deadline.await(node.id() + " serving " + TOPIC + " up to " + end, timeout, () -> {
            JsonNode topic = JSON.readTree(Http.get(node.baseUrl() + "/v1/topics/" + TOPIC).body());
            return topic.path("partitions").path(0).path("endOffset").asLong(-1) >= end ? Optional.of(true)
                    : Optional.empty();
        });
    }

    /** A JSON body of 100 records whose values are JSON strings of 1,024 bytes with their quotes. */
    private static String body() {
        String value = "\"" + "x".repeat(RECORD_BYTES - 2) + "\"";
        StringBuilder body = new StringBuilder("{\"records\": [");
        for (int i = 0; i < PER_REQUEST; i++) {
            body.append(i == 0 ? "" : ",").append("{\"value\": ").append(value).append('}');
        }
        return body.append("]}").toString();
    }
}
