package dev.backbone.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.server.testing.Await;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Three real brokers in child JVMs replicate two partitions: produce sent to followers is acknowledged, a follower
 * asked to redirect answers 307 to the leader, every replica holds byte-identical batches, and after the leader of
 * a partition is killed with SIGKILL a new one is elected, produce resumes, and every acknowledged record is still
 * there, also on the killed broker once it is back. Seeded; the seed is printed.
 */
class ReplicatedClusterTest {

    private static final String TOPIC = "orders";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** An acknowledged record: where it went and what it holds. */
    private record Acked(int partition, long offset, String value) {
    }

    @Test
    void replicatesProduceKeepsReplicasIdenticalAndSurvivesTheLeadersDeath(@TempDir Path dir) throws Exception {
        long seed = System.nanoTime();
        System.out.println("ReplicatedClusterTest seed " + seed);
        Random random = new Random(seed);
        try (BrokerCluster cluster = BrokerCluster.start(dir, 3)) {
            HttpResponse<String> created = cluster.postJson(random.nextInt(3), "/v1/topics",
                    "{\"name\":\"" + TOPIC + "\",\"partitions\":2}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            for (int i = 0; i < 3; i++) {
                int broker = i;
                Await.until(() -> status(cluster.get(broker, "/v1/topics/" + TOPIC)) == 200,
                        "topic known on " + BrokerCluster.id(broker), Duration.ofSeconds(20));
            }
            List<Acked> acked = new ArrayList<>();
            for (int round = 0; round < 30; round++) {
                int partition = round % 2;
                int follower = follower(cluster, partition, random);
                acked.addAll(produce(cluster, follower, partition, "r" + round, 5));
            }

            int leader0 = cluster.indexOf(leader(cluster, 0));
            int aFollower = (leader0 + 1) % 3;
            HttpResponse<String> redirected = cluster.postJson(aFollower,
                    "/v1/topics/" + TOPIC + "/partitions/0/records?redirect=true", records("redirect", 1));
            assertThat(redirected.statusCode()).isEqualTo(307);
            assertThat(redirected.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location)
                    .startsWith(cluster.url(leader0) + "/v1/topics/" + TOPIC + "/partitions/0/records"));

            for (int partition = 0; partition < 2; partition++) {
                assertThat(replicaDigests(cluster, partition, List.of(0, 1, 2))).hasSize(1);
            }

            cluster.kill(leader0);
            List<Integer> survivors = List.of(0, 1, 2).stream().filter(i -> i != leader0).toList();
            long killed = System.nanoTime();
            acked.addAll(produceUntilAccepted(cluster, survivors.get(random.nextInt(2)), 0, "after-kill",
                    Duration.ofSeconds(30)));
            System.out.printf("produce resumed %d ms after the leader was killed%n",
                    (System.nanoTime() - killed) / 1_000_000);
            for (int round = 0; round < 6; round++) {
                acked.addAll(produce(cluster, survivors.get(round % 2), round % 2, "s" + round, 5));
            }
            assertThat(leader(cluster, 0)).isNotEqualTo(BrokerCluster.id(leader0));

            for (int survivor : survivors) {
                assertAllReadable(cluster, survivor, acked);
            }

            // The killed broker comes back, applies again what followed its last snapshot (skipping what its log
            // already holds) and catches up to the same bytes.
            cluster.launch(leader0);
            cluster.awaitReady(leader0);
            for (int partition = 0; partition < 2; partition++) {
                assertThat(replicaDigests(cluster, partition, List.of(0, 1, 2))).hasSize(1);
            }
            assertAllReadable(cluster, leader0, acked);
            for (int broker = 0; broker < 3; broker++) {
                try (var files = java.nio.file.Files.walk(cluster.dataDir(broker).resolve("raft"))) {
                    assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("snapshot.")))
                            .as("snapshots taken on " + BrokerCluster.id(broker)).isNotEmpty();
                }
            }
        }
    }

    private static List<Acked> produce(BrokerCluster cluster, int broker, int partition, String prefix, int count)
            throws Exception {
        HttpResponse<String> response = cluster.postJson(broker,
                "/v1/topics/" + TOPIC + "/partitions/" + partition + "/records", records(prefix, count));
        assertThat(response).isNotNull();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode offsets = JSON.readTree(response.body()).path("offsets");
        List<Acked> acked = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            assertThat(offsets.get(i).path("partition").asInt()).isEqualTo(partition);
            acked.add(new Acked(partition, offsets.get(i).path("offset").asLong(), prefix + "-" + i));
        }
        return acked;
    }

    /** Retries through the election: 503 no-leader (or a broker not answering) until the deadline. */
    private static List<Acked> produceUntilAccepted(BrokerCluster cluster, int broker, int partition, String prefix,
                                                    Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            last = cluster.postJson(broker, "/v1/topics/" + TOPIC + "/partitions/" + partition + "/records",
                    records(prefix, 1));
            if (last != null && last.statusCode() == 200) {
                long offset = JSON.readTree(last.body()).path("offsets").get(0).path("offset").asLong();
                return List.of(new Acked(partition, offset, prefix + "-0"));
            }
            if (last != null) {
                assertThat(last.statusCode()).as(last.body()).isEqualTo(503);
                assertThat(last.headers().firstValue("Retry-After")).isPresent();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("produce not accepted within " + within + "; last answer "
                + (last == null ? "none" : last.statusCode() + " " + last.body()));
    }

    private static String records(String prefix, int count) {
        StringBuilder json = new StringBuilder("{\"records\":[");
        for (int i = 0; i < count; i++) {
            json.append(i == 0 ? "" : ",").append("{\"key\":\"k").append(i).append("\",\"value\":\"")
                    .append(prefix).append('-').append(i).append("\"}");
        }
        return json.append("]}").toString();
    }

    /** The leader's id once the broker's view names one. */
    private static String leader(BrokerCluster cluster, int partition) throws Exception {
        String[] leader = new String[1];
        Await.until(() -> {
            for (int i = 0; i < cluster.size() && leader[0] == null; i++) {
                if (cluster.isRunning(i)) {
                    leader[0] = partitionView(cluster, i, partition).map(p -> p.path("leader").asString(null))
                            .filter(id -> cluster.isRunning(cluster.indexOf(id))).orElse(null);
                }
            }
            return leader[0] != null;
        }, "a leader of partition " + partition, Duration.ofSeconds(30));
        return leader[0];
    }

    private static int follower(BrokerCluster cluster, int partition, Random random) throws Exception {
        int leader = cluster.indexOf(leader(cluster, partition));
        return (leader + 1 + random.nextInt(2)) % 3;
    }

    private static java.util.Optional<JsonNode> partitionView(BrokerCluster cluster, int broker, int partition) {
        HttpResponse<String> response = cluster.get(broker, "/v1/cluster");
        if (response == null || response.statusCode() != 200) {
            return java.util.Optional.empty();
        }
        for (JsonNode p : JSON.readTree(response.body()).path("partitions")) {
            if (p.path("topic").asString().equals(TOPIC) && p.path("partition").asInt() == partition) {
                return java.util.Optional.of(p);
            }
        }
        return java.util.Optional.empty();
    }

    /** Waits until the replicas' end offsets agree, then digests each one's batches as consume returns them. */
    private static Map<String, List<String>> replicaDigests(BrokerCluster cluster, int partition, List<Integer> brokers)
            throws Exception {
        long[] end = new long[1];
        Await.until(() -> {
            long first = -1;
            for (int broker : brokers) {
                long e = partitionView(cluster, broker, partition).map(p -> p.path("endOffset").asLong()).orElse(-1L);
                if (e < 0 || (first >= 0 && e != first)) {
                    return false;
                }
                first = e;
            }
            end[0] = first;
            return true;
        }, "replicas of partition " + partition + " at one end offset", Duration.ofSeconds(30));
        Map<String, List<String>> digests = new TreeMap<>();
        for (int broker : brokers) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long offset = 0;
            while (offset < end[0]) {
                String path = "/v1/topics/" + TOPIC + "/partitions/" + partition + "/records?offset=" + offset
                        + "&maxBytes=1048576";
                HttpResponse<byte[]> response = cluster.sendBytes(broker, path);
                sha.update(response.body());
                offset = Long.parseLong(response.headers().firstValue("Backbone-Next-Offset").orElseThrow());
            }
            digests.computeIfAbsent(HexFormat.of().formatHex(sha.digest()), d -> new ArrayList<>())
                    .add(BrokerCluster.id(broker));
        }
        return digests;
    }

    private static void assertAllReadable(BrokerCluster cluster, int broker, List<Acked> acked) throws Exception {
        Map<Integer, Map<Long, String>> stored = new TreeMap<>();
        for (int partition = 0; partition < 2; partition++) {
            Map<Long, String> values = new TreeMap<>();
            long offset = 0;
            while (true) {
                HttpResponse<String> response = cluster.send(broker, HttpRequest.newBuilder(URI.create(
                        cluster.url(broker) + "/v1/topics/" + TOPIC + "/partitions/" + partition
                                + "/records?offset=" + offset + "&maxBytes=1048576&maxWaitMs=0"))
                        .header("Accept", "application/json").GET());
                JsonNode body = JSON.readTree(response.body());
                if (body.path("records").isEmpty()) {
                    break;
                }
                for (JsonNode record : body.path("records")) {
                    values.put(record.path("offset").asLong(), record.path("value").asString());
                }
                offset = body.path("nextOffset").asLong();
            }
            stored.put(partition, values);
        }
        for (Acked record : acked) {
            assertThat(stored.get(record.partition()).get(record.offset()))
                    .as("acknowledged %s on %s", record, BrokerCluster.id(broker)).isEqualTo(record.value());
        }
    }

    private static int status(HttpResponse<String> response) {
        return response == null ? -1 : response.statusCode();
    }
}
