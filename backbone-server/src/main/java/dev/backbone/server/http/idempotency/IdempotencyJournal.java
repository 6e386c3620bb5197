package dev.backbone.server.http.idempotency;

import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.server.log.AppendPrecondition;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogRecords;
import dev.backbone.server.log.PartitionLog;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keeps the answers of {@code Idempotency-Key} requests in the internal topic {@value #TOPIC}, so that a retry
 * after a broker restart (the usual moment for a client to retry: its request timed out while the broker was going
 * down) still gets the first answer instead of appending again.
 *
 * <p>One record per completed request, appended (flush {@code none}) before the client gets its answer:
 * <pre>
 *   key:   "&lt;scope&gt;\n&lt;idempotency key&gt;"
 *   value: {"scope": "orders", "key": "k-1", "createdMs": 1764650000000, "digest": "&lt;base64 SHA-256&gt;",
 *           "type": "produce", "answer": {...the answer as JSON...}}
 * </pre>
 * The topic's retention is the key window, so it holds a window's worth of answers. At start, {@link #restoreInto}
 * reads the records of the last window back into the cache. Whole-body answers are kept when their type was
 * registered at construction (the answer is rebuilt as that type; the rest stay in memory only); a streaming
 * produce's answer lines are kept as bytes ({@code "type": "stream"}, with the stream digest), up to
 * {@link #MAX_STREAM_ANSWER_BYTES}.
 *
 * <p>What it does not cover: the record is written after the produce's own append, so a crash between the two
 * (microseconds) forgets that one key; and it is not fsynced, so a power loss forgets the keys of the last seconds
 * that the page cache held. Both are cases where the client's retry appends again, as it did before this journal.
 *
 * <p>The append is a page-cache write of a few hundred bytes (a stream's answer: up to a few MiB) under the
 * journal partition's append lock, on the thread that completed the produce.
 *
 * <p>Thread safety: thread-safe; appends are serialized by the partition log.
 */
public final class IdempotencyJournal implements IdempotencyCache.Journal {

    public static final String TOPIC = "__backbone_idempotency";

    /**
     * The largest stream answer kept in the journal; a larger one is kept as "not kept", so a retry after a restart
     * is told that its first request was stored (409) rather than getting its answer, and still appends nothing.
     */
    static final int MAX_STREAM_ANSWER_BYTES = 4 << 20;

    private static final String STREAM_TYPE = "stream";

    private static final System.Logger LOG = System.getLogger(IdempotencyJournal.class.getName());

    private final PartitionLog log;
    private final JsonMapper json;
    private final Clock clock;
    private final Map<String, Class<?>> answerTypes;

    /** @param answerTypes the answer types to keep, by the name stored with them; each must map to and from JSON */
    public IdempotencyJournal(PartitionLog log, JsonMapper json, Clock clock, Map<String, Class<?>> answerTypes) {
        this.log = Objects.requireNonNull(log, "log");
        this.json = Objects.requireNonNull(json, "json");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.answerTypes = Map.copyOf(answerTypes);
    }

    @Override
    public void completed(String scope, String key, byte[] digest, long ageNanos, Object answer) {
        String type = typeOf(answer);
        if (type == null) {
            return;
        }
        ObjectNode value = entry(scope, key, ageNanos, type).put("digest", Base64.getEncoder().encodeToString(digest));
        value.set("answer", json.valueToTree(answer));
        append(scope, key, value);
    }

    @Override
    public void completedStream(String scope, String key, IdempotencyCache.StreamDigest digest, long ageNanos,
                                Object answer) {
        ObjectNode value = entry(scope, key, ageNanos, STREAM_TYPE)
                .put("digest", Base64.getEncoder().encodeToString(digest.digest()))
                .put("length", digest.length())
                .put("wholeBody", digest.wholeBody());
        if (answer instanceof byte[] bytes && bytes.length <= MAX_STREAM_ANSWER_BYTES) {
            value.put("answer", Base64.getEncoder().encodeToString(bytes));
        } else {
            value.putNull("answer");
        }
        append(scope, key, value);
    }

    private ObjectNode entry(String scope, String key, long ageNanos, String type) {
        return json.createObjectNode()
                .put("scope", scope)
                .put("key", key)
                .put("createdMs", clock.millis() - TimeUnit.NANOSECONDS.toMillis(ageNanos))
                .put("type", type);
    }

    private void append(String scope, String key, ObjectNode value) {
        byte[] recordKey = (scope + "\n" + key).getBytes(StandardCharsets.UTF_8);
        try {
            log.append(new RecordBatchBuilder().add(value.path("createdMs").asLong(), recordKey,
                    json.writeValueAsBytes(value)).build(), FlushMode.NONE, AppendPrecondition.NONE);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not journal idempotency key " + key + " of " + scope
                    + "; a retry after a restart would append again", e);
        }
    }

    /**
     * Reads the answers kept within {@code cache}'s window back into it, oldest first; returns how many.
     *
     * @throws IOException when the journal cannot be read
     */
    public int restoreInto(IdempotencyCache cache) throws IOException {
        long nowMs = clock.millis();
        long windowMs = cache.window().toMillis();
        OptionalLong from = log.offsetForTimestamp(nowMs - windowMs);
        if (from.isEmpty()) {
            return 0;
        }
        int[] restored = {0};
        LogRecords.forEach(log, from.getAsLong(), record -> {
            if (restore(cache, record, nowMs)) {
                restored[0]++;
            }
        });
        return restored[0];
    }

    private boolean restore(IdempotencyCache cache, Record record, long nowMs) {
        if (record.value() == null) {
            return false;
        }
        try {
            JsonNode value = json.readTree(record.value());
            String scope = value.path("scope").asString();
            String key = value.path("key").asString();
            byte[] digest = Base64.getDecoder().decode(value.path("digest").asString());
            long ageNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, nowMs - value.path("createdMs").asLong()));
            String typeName = value.path("type").asString();
            if (typeName.equals(STREAM_TYPE)) {
                JsonNode answer = value.path("answer");
                return cache.restoreStream(scope, key, new IdempotencyCache.StreamDigest(
                                value.path("length").asLong(), digest, value.path("wholeBody").asBoolean()), ageNanos,
                        answer.isString() ? Base64.getDecoder().decode(answer.asString())
                                : IdempotencyCache.STREAM_ANSWER_NOT_KEPT);
            }
            Class<?> type = answerTypes.get(typeName);
            if (type == null) {
                return false;
            }
            return cache.restore(scope, key, digest, ageNanos, json.treeToValue(value.path("answer"), type));
        } catch (JacksonException | IllegalArgumentException e) {
            // One unreadable record costs one key, not the broker's start.
            LOG.log(Level.WARNING, "skipping unreadable idempotency journal record at offset " + record.offset(), e);
            return false;
        }
    }

    private String typeOf(Object answer) {
        for (Map.Entry<String, Class<?>> entry : answerTypes.entrySet()) {
            if (entry.getValue() == answer.getClass()) {
                return entry.getKey();
            }
        }
        return null;
    }

    /** The topic config the journal needs: its retention is the key window, in segments small enough to go. */
    public static Map<String, String> topicConfig(long windowMs) {
        return Map.of("flush", "none", "retention.ms", Long.toString(windowMs),
                "segment.ms", Long.toString(Math.max(1, windowMs / 4)), "segment.bytes", Long.toString(64L << 20),
                "max.message.bytes", Integer.toString(8 << 20));
    }
}
