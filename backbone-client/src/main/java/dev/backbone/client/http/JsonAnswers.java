package dev.backbone.client.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the broker's small JSON answers (topics, offsets, groups, appends, chains) into the client's records, and
 * writes the small JSON request bodies. Bulk records go through {@link RecordJsonReader} instead.
 *
 * <p>Stateless and thread-safe.
 */
final class JsonAnswers {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private JsonAnswers() {
    }

    static JsonNode tree(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            throw new BackboneClientException("the broker's answer is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    static byte[] write(Object value) {
        return JSON.writeValueAsBytes(value);
    }

    static TopicInfo topicInfo(byte[] body) {
        JsonNode root = tree(body);
        List<PartitionInfo> partitions = new ArrayList<>();
        for (JsonNode p : root.path("partitions")) {
            partitions.add(new PartitionInfo(p.path("partition").asInt(), p.path("startOffset").asLong(),
                    p.path("endOffset").asLong(), p.path("sizeBytes").asLong()));
        }
        Map<String, String> config = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.path("config").properties()) {
            config.put(e.getKey(), e.getValue().asString());
        }
        return new TopicInfo(root.path("name").asString(), root.path("internal").asBoolean(), partitions, config);
    }

    static List<TopicSummary> topicList(byte[] body) {
        List<TopicSummary> topics = new ArrayList<>();
        for (JsonNode t : tree(body).path("topics")) {
            topics.add(new TopicSummary(t.path("name").asString(), t.path("partitions").asInt(),
                    t.path("internal").asBoolean()));
        }
        return topics;
    }

    static ProduceResult produceResult(Answer answer) {
        JsonNode root = tree(answer.body());
        List<Long> bases = new ArrayList<>();
        for (JsonNode b : root.path("baseOffsets")) {
            bases.add(b.asLong());
        }
        boolean replayed = "true".equalsIgnoreCase(answer.headers().get("Idempotent-Replayed"));
        return new ProduceResult(root.path("partition").asInt(), bases, root.path("firstOffset").asLong(),
                root.path("lastOffset").asLong(), root.path("recordCount").asInt(), replayed);
    }

    static PartitionOffsets offsets(byte[] body) {
        JsonNode root = tree(body);
        return new PartitionOffsets(root.path("partition").asInt(), root.path("startOffset").asLong(),
                root.path("endOffset").asLong());
    }

    static GroupMembership membership(String group, byte[] body) {
        JsonNode root = tree(body);
        List<AssignedPartition> assignments = new ArrayList<>();
        for (JsonNode a : root.path("assignments")) {
            JsonNode committed = a.path("committedOffset");
            assignments.add(new AssignedPartition(a.path("topic").asString(), a.path("partition").asInt(),
                    committed.isNumber() ? committed.asLong() : AssignedPartition.NO_COMMIT));
        }
        return new GroupMembership(group, root.path("memberId").asString(), root.path("generation").asInt(),
                Duration.ofMillis(root.path("sessionTimeoutMs").asLong()), assignments);
    }

    static GroupDescription groupDescription(byte[] body) {
        JsonNode root = tree(body);
        List<GroupDescription.Member> members = new ArrayList<>();
        for (JsonNode m : root.path("members")) {
            List<String> topics = new ArrayList<>();
            m.path("topics").forEach(t -> topics.add(t.asString()));
            List<GroupDescription.TopicPartition> owned = new ArrayList<>();
            m.path("assignments").forEach(a -> owned.add(new GroupDescription.TopicPartition(
                    a.path("topic").asString(), a.path("partition").asInt())));
            members.add(new GroupDescription.Member(m.path("memberId").asString(), topics,
                    m.path("sessionTimeoutMs").asLong(), m.path("sessionExpiresAt").asLong(), owned));
        }
        List<GroupDescription.PartitionLag> partitions = new ArrayList<>();
        for (JsonNode p : root.path("partitions")) {
            JsonNode committed = p.path("committedOffset");
            partitions.add(new GroupDescription.PartitionLag(p.path("topic").asString(), p.path("partition").asInt(),
                    committed.isNumber() ? committed.asLong() : AssignedPartition.NO_COMMIT,
                    p.path("startOffset").asLong(), p.path("endOffset").asLong(), p.path("lag").asLong(),
                    p.path("owner").isString() ? p.path("owner").asString() : null));
        }
        return new GroupDescription(root.path("group").asString(), root.path("state").asString(),
                root.path("generation").asInt(), members, partitions);
    }

    static KeyAppendResult keyAppend(byte[] body) {
        JsonNode root = tree(body);
        List<Long> offsets = new ArrayList<>();
        root.path("offsets").forEach(o -> offsets.add(o.asLong()));
        return new KeyAppendResult(root.path("topic").asString(), root.path("partition").asInt(),
                root.path("key").asString(), offsets, root.path("firstVersion").asLong(),
                root.path("nextExpectedVersion").asLong());
    }

    static ChainHead chainHead(JsonNode node) {
        return new ChainHead(node.path("topic").asString(), node.path("partition").asInt(),
                node.path("offset").asLong(), node.path("hash").asString(), node.path("batches").asLong());
    }

    static ChainVerification chainVerification(byte[] body) {
        JsonNode root = tree(body);
        JsonNode head = root.path("head");
        JsonNode broken = root.path("brokenAtOffset");
        return new ChainVerification(root.path("valid").asBoolean(), root.path("batches").asLong(),
                head.isObject() ? chainHead(head) : null, textOrNull(root.path("claim")),
                broken.isNumber() ? broken.asLong() : null, textOrNull(root.path("reason")),
                textOrNull(root.path("detail")));
    }

    private static String textOrNull(JsonNode node) {
        return node.isString() ? node.asString() : null;
    }
}
