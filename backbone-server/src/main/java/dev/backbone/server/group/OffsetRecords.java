package dev.backbone.server.group;

import dev.backbone.server.log.TopicPartition;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The layout of one record of the offsets topic ({@value #TOPIC}).
 *
 * <pre>
 * key   = UTF-8 "group/topic/partition"              e.g. "billing/orders/3"
 * value = UTF-8 JSON {"offset": 42, "metadata": "", "commitTimestamp": 1764570000000,
 *                     "generation": 7, "memberId": "member-..."}
 *       | null (a tombstone: the group's offset for that partition is forgotten)
 * </pre>
 *
 * Group and topic names cannot contain '/', so the key splits unambiguously. The latest record of a key wins,
 * the way a compacted Kafka topic is read.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class OffsetRecords {

    /** The internal topic that stores committed offsets. */
    public static final String TOPIC = "__backbone_offsets";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private OffsetRecords() {
    }

    /** A decoded record: a commit, or a tombstone when {@code committed} is null. */
    public record Entry(String group, TopicPartition topicPartition, CommittedOffset committed) {
    }

    public static byte[] key(String group, TopicPartition tp) {
        return (group + "/" + tp.topic() + "/" + tp.partition()).getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] value(CommittedOffset committed) {
        ObjectNode node = JSON.createObjectNode();
        node.put("offset", committed.offset());
        node.put("metadata", committed.metadata());
        node.put("commitTimestamp", committed.commitTimestampMs());
        node.put("generation", committed.generation());
        node.put("memberId", committed.memberId());
        return JSON.writeValueAsBytes(node);
    }

    /**
     * Reads one record of the offsets topic.
     *
     * @return the entry, or empty when the record is not one this class wrote (a malformed key or value)
     */
    public static Optional<Entry> decode(byte[] key, byte[] value, long logOffset) {
        if (key == null) {
            return Optional.empty();
        }
        String[] parts = new String(key, StandardCharsets.UTF_8).split("/", -1);
        if (parts.length != 3 || !GroupNames.isLegal(parts[0]) || !GroupNames.isLegal(parts[1])) {
            return Optional.empty();
        }
        int partition;
        try {
            partition = Integer.parseInt(parts[2]);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (partition < 0) {
            return Optional.empty();
        }
        TopicPartition tp = new TopicPartition(parts[1], partition);
        if (value == null) {
            return Optional.of(new Entry(parts[0], tp, null));
        }
        try {
            JsonNode node = JSON.readTree(value);
            JsonNode offset = node.get("offset");
            if (offset == null || !offset.isIntegralNumber() || offset.asLong() < 0) {
                return Optional.empty();
            }
            JsonNode metadata = node.get("metadata");
            JsonNode timestamp = node.get("commitTimestamp");
            JsonNode generation = node.get("generation");
            JsonNode memberId = node.get("memberId");
            return Optional.of(new Entry(parts[0], tp, new CommittedOffset(offset.asLong(),
                    metadata != null && metadata.isString() ? metadata.asString() : "",
                    timestamp != null && timestamp.isIntegralNumber() ? timestamp.asLong() : -1,
                    generation != null && generation.isIntegralNumber() ? generation.asInt() : 0,
                    memberId != null && memberId.isString() ? memberId.asString() : "",
                    logOffset)));
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }
}
