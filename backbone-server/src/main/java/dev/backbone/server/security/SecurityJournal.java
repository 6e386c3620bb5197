package dev.backbone.server.security;

import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.server.log.AppendPrecondition;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogRecords;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.topic.Topic;
import dev.backbone.server.topic.TopicRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A change log of security state (API keys, ACLs) in a one-partition internal topic: one JSON record per change,
 * appended with {@code flush=sync} before the change is acknowledged, and replayed in order at start. The topics
 * keep their records forever ({@code retention.ms=-1}): they are small, a record per admin change.
 *
 * <p>Thread safety: thread-safe; appends are serialized by the partition log.
 */
public final class SecurityJournal {

    private final PartitionLog log;
    private final JsonMapper json;
    private final Clock clock;

    public SecurityJournal(PartitionLog log, JsonMapper json, Clock clock) {
        this.log = Objects.requireNonNull(log, "log");
        this.json = Objects.requireNonNull(json, "json");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The journal in {@code topic}, created on first use; may block (creation does file I/O). */
    public static SecurityJournal open(TopicRegistry registry, String topic, JsonMapper json, Clock clock) {
        Topic created = registry.findOrCreate(topic, 1, topicConfig());
        return new SecurityJournal(created.partition(0), json, clock);
    }

    /** The config of a journal topic: fsync every change, keep every change. */
    public static Map<String, String> topicConfig() {
        return Map.of("flush", "sync", "retention.ms", "-1", "retention.bytes", "-1");
    }

    /** A fresh JSON object to fill and {@link #append}. */
    public ObjectNode entry(String type) {
        return json.createObjectNode().put("type", type).put("timeMs", clock.millis());
    }

    /**
     * Appends {@code value} under {@code key} and returns once it is on disk.
     *
     * @throws UncheckedIOException when the append or its fsync failed; the change must not be acknowledged
     */
    public void append(String key, ObjectNode value) {
        try {
            log.append(new RecordBatchBuilder().add(value.path("timeMs").asLong(),
                    key.getBytes(StandardCharsets.UTF_8), json.writeValueAsBytes(value)).build(), FlushMode.SYNC,
                    AppendPrecondition.NONE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write a security change to " + log.topicPartition(), e);
        }
    }

    /** Calls {@code sink} with every entry, oldest first. */
    public void replay(Consumer<JsonNode> sink) throws IOException {
        LogRecords.forEach(log, (Record record) -> {
            if (record.value() != null) {
                sink.accept(json.readTree(record.value()));
            }
        });
    }
}
