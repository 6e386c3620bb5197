package dev.backbone.replication.workload;

import dev.backbone.checks.support.Deadline;
import dev.backbone.replication.support.BrokerCluster;
import dev.backbone.replication.support.BrokerNode;
import dev.backbone.replication.support.Http;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creates the topics of the replication checks through whichever broker answers, and waits until each partition
 * has a leader.
 *
 * <p>Thread safety: stateless.
 */
public final class Topics {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final JsonMapper JSON = new JsonMapper();

    private Topics() {
    }

    /**
     * Creates {@code topic} with {@code partitions} and the given config JSON object (e.g. {@code {}}), retrying on
     * other brokers while the cluster elects; a 409 after a retry means an earlier attempt created it.
     */
    public static void create(BrokerCluster cluster, String topic, int partitions, String configJson) {
        String body = "{\"name\": \"" + topic + "\", \"partitions\": " + partitions + ", \"config\": " + configJson
                + "}";
        Deadline.await("topic " + topic + " created", TIMEOUT, () -> {
            for (BrokerNode node : cluster.nodes()) {
                if (!node.isAlive()) {
                    continue;
                }
                HttpResponse<String> answer = Http.postJson(node.baseUrl() + "/v1/topics", body);
                if (answer.statusCode() == 201 || answer.statusCode() == 409) {
                    return Optional.of(true);
                }
                if (answer.statusCode() / 100 == 4) {
                    throw new AssertionError("Creating " + topic + " refused: " + answer.statusCode() + " "
                            + answer.body());
                }
            }
            return Optional.empty();
        });
        for (int p = 0; p < partitions; p++) {
            cluster.awaitLeader(topic, p, TIMEOUT);
        }
    }

    /** The end offset {@code node} serves for a partition ({@code GET /v1/topics/{topic}}), -1 when it names none. */
    public static long endOffset(BrokerNode node, String topic, int partition) {
        HttpResponse<String> answer = Http.get(node.baseUrl() + "/v1/topics/" + topic);
        if (answer.statusCode() != 200) {
            return -1;
        }
        return JSON.readTree(answer.body()).path("partitions").path(partition).path("endOffset").asLong(-1);
    }
}
