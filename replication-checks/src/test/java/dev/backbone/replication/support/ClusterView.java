package dev.backbone.replication.support;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cluster as one broker sees it, from {@code GET /v1/cluster}: this node's id, the metadata leader, and per
 * partition its leader, Raft term, end offset and commit and applied indexes on this node.
 *
 * @param nodeId the answering broker's id; null in single-node mode
 * @param metadataLeader the metadata group's leader, or null when none is known
 * @param partitions one entry per partition this broker knows of
 */
public record ClusterView(String nodeId, String metadataLeader, List<PartitionState> partitions) {

    private static final JsonMapper JSON = new JsonMapper();

    /**
     * One partition on the answering broker.
     *
     * @param topic the topic
     * @param partition the partition
     * @param leader the partition group's leader, or null when none is known
     * @param term the Raft term this broker knows
     * @param endOffset the end offset of this broker's log (what it has applied)
     * @param commitIndex the Raft commit index this broker knows
     * @param appliedIndex the Raft index this broker has applied
     */
    public record PartitionState(String topic, int partition, String leader, long term, long endOffset,
            long commitIndex, long appliedIndex) {
    }

    public ClusterView {
        partitions = List.copyOf(partitions);
    }

    /** Asks {@code node}; empty when it does not answer 200 within {@code timeout} (down, paused, cut off). */
    public static Optional<ClusterView> of(BrokerNode node, Duration timeout) {
        try {
            HttpResponse<String> answer = Http.get(node.baseUrl() + "/v1/cluster", timeout);
            return answer.statusCode() == 200 ? Optional.of(parse(answer.body())) : Optional.empty();
        } catch (RuntimeException unreachable) {
            return Optional.empty();
        }
    }

    static ClusterView parse(String json) {
        JsonNode root = JSON.readTree(json);
        List<PartitionState> partitions = new ArrayList<>();
        for (JsonNode p : root.path("partitions")) {
            partitions.add(new PartitionState(p.path("topic").asString(), p.path("partition").asInt(),
                    text(p.path("leader")), p.path("term").asLong(-1), p.path("endOffset").asLong(-1),
                    p.path("commitIndex").asLong(-1), p.path("appliedIndex").asLong(-1)));
        }
        return new ClusterView(text(root.path("nodeId")), text(root.path("metadataLeader")), partitions);
    }

    /** Whether the answering broker runs as a member of a replicated cluster. */
    public boolean replicated() {
        return nodeId != null;
    }

    public Optional<PartitionState> partition(String topic, int partition) {
        return partitions.stream().filter(p -> p.topic().equals(topic) && p.partition() == partition).findFirst();
    }

    private static String text(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null : node.asString();
    }
}
