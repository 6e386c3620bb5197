package dev.backbone.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.checks.support.Deadline;
import dev.backbone.replication.support.BrokerCluster;
import dev.backbone.replication.support.BrokerNode;
import dev.backbone.replication.support.Http;
import dev.backbone.replication.support.SegmentBatches;
import dev.backbone.replication.support.SharedCluster;
import dev.backbone.replication.workload.Topics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Acceptance 1 of issue 16: with three replicas, after 10,000 records produced through every broker in turn, every
 * replica's segment files hold byte-identical batches (SHA-256 over the batches, leader epochs and offsets included)
 * and every replica's audit chain has the same head.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedCluster.class)
class ReplicaIdentityTest {

    private static final String TOPIC = "identity";
    private static final int RECORDS = 10_000;
    private static final int PER_REQUEST = 100;
    private static final JsonMapper JSON = new JsonMapper();

    private BrokerCluster cluster;

    @BeforeAll
    void createTheTopic(BrokerCluster shared) {
        cluster = shared;
        cluster.requireReplication();
        Topics.create(cluster, TOPIC, 1, "{\"audit.chain\": \"true\"}");
    }

    @Test
    void everyReplicaHoldsTheSameBatchesAndChainHead() {
        for (int request = 0; request < RECORDS / PER_REQUEST; request++) {
            produce(cluster.node(request % cluster.nodes().size()), request);
        }
        for (BrokerNode node : cluster.nodes()) {
            Deadline.await(node.id() + " applied all " + RECORDS, Duration.ofSeconds(60),
                    () -> Topics.endOffset(node, TOPIC, 0) == RECORDS ? Optional.of(true) : Optional.empty());
        }

        Map<String, SegmentBatches.Digest> digests = new LinkedHashMap<>();
        Map<String, String> heads = new LinkedHashMap<>();
        for (BrokerNode node : cluster.nodes()) {
            digests.put(node.id(), SegmentBatches.digest(node.dataDirectory().resolve(TOPIC + "-0")));
            heads.put(node.id(), chainHead(node));
        }

        SegmentBatches.Digest first = digests.values().iterator().next();
        assertThat(first.lastOffset()).isEqualTo(RECORDS - 1);
        assertThat(first.batches()).isGreaterThanOrEqualTo(RECORDS / PER_REQUEST);
        assertThat(digests.values()).as("segment batches per replica: %s", digests).allMatch(first::equals);
        assertThat(heads.values()).as("audit chain heads per replica: %s", heads).hasSize(3)
                .allMatch(head -> head.equals(heads.values().iterator().next()))
                .allMatch(head -> head.startsWith((RECORDS - 1) + "/"));
    }

    private static void produce(BrokerNode node, int request) {
        StringBuilder body = new StringBuilder("{\"records\": [");
        for (int i = 0; i < PER_REQUEST; i++) {
            body.append(i == 0 ? "" : ",").append("{\"key\": \"k").append(i % 7).append("\", \"value\": {\"n\": ")
                    .append(request * PER_REQUEST + i).append("}}");
        }
        String json = body.append("]}").toString();
        Deadline.await("request " + request + " acknowledged through " + node.id(), Duration.ofSeconds(60), () -> {
            HttpResponse<String> answer = Http.postJson(node.baseUrl() + "/v1/topics/" + TOPIC
                    + "/partitions/0/records", json, Duration.ofSeconds(15),
                    "Idempotency-Key", "identity-" + request);
            return answer.statusCode() == 200 ? Optional.of(true) : Optional.empty();
        });
    }

    private static String chainHead(BrokerNode node) {
        HttpResponse<String> answer = Http.get(node.baseUrl() + "/v1/topics/" + TOPIC + "/partitions/0/chain");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode head = JSON.readTree(answer.body());
        return head.path("offset").asLong() + "/" + head.path("hash").asString() + "/" + head.path("batches").asLong();
    }
}
