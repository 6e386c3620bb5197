package dev.backbone.server.security;

import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.server.log.AppendPrecondition;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.topic.Topic;
import dev.backbone.server.topic.TopicRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The security audit trail in {@value #TOPIC}, a topic with an audit hash chain, so that its entries can be
 * verified like any chained topic's. One JSON record per event, keyed by the principal:
 * <pre>
 *   {"timeMs": 1764650000000, "event": "denied", "principal": "orders", "method": "POST",
 *    "path": "/v1/topics/payments/records", "operation": "write", "resourceType": "topic", "resourceName": "payments"}
 *   {"timeMs": 1764650000000, "event": "acl.added", "principal": "admin", "details": {...}}
 * </pre>
 *
 * <p>Admin changes ({@link #changed}) are appended with {@code flush=sync} on the caller's thread, before the change
 * is acknowledged: few, and each must be on record. Refusals ({@link #refused}) can come by the thousand from one
 * misbehaving client, so they never block a request: they go into a bounded queue that one thread drains in batches
 * (flush {@code none}); when the queue is full the entry is dropped and counted ({@link #dropped()}).
 *
 * <p>Thread safety: thread-safe.
 */
public final class SecurityAuditLog implements AutoCloseable {

    public static final String TOPIC = "__backbone_security_audit";

    private static final System.Logger LOG = System.getLogger(SecurityAuditLog.class.getName());
    private static final int MAX_BATCH = 512;

    private final PartitionLog log;
    private final JsonMapper json;
    private final Clock clock;
    private final BlockingQueue<ObjectNode> pending;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong appended = new AtomicLong();
    private final Thread drainer;
    private volatile boolean closed;

    public SecurityAuditLog(PartitionLog log, JsonMapper json, Clock clock, int maxPending) {
        this.log = Objects.requireNonNull(log, "log");
        this.json = Objects.requireNonNull(json, "json");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pending = new ArrayBlockingQueue<>(maxPending);
        this.drainer = new Thread(this::drain, "backbone-security-audit");
        drainer.setDaemon(true);
        drainer.start();
    }

    /** The audit log in its topic, created with an audit chain on first use; may block (creation does file I/O). */
    public static SecurityAuditLog open(TopicRegistry registry, JsonMapper json, Clock clock, int maxPending) {
        Topic topic = registry.findOrCreate(TOPIC, 1, topicConfig());
        return new SecurityAuditLog(topic.partition(0), json, clock, maxPending);
    }

    /** An audit chain over every batch; kept by size (1 GiB), not by age. */
    public static Map<String, String> topicConfig() {
        return Map.of("audit.chain", "true", "retention.ms", "-1", "retention.bytes", Long.toString(1L << 30));
    }

    /**
     * Records an admin change, durable before it returns; {@code details} is anything Jackson writes as an object.
     *
     * @throws UncheckedIOException when it could not be written; the caller reports the failure
     */
    public void changed(String principal, String event, Object details) {
        ObjectNode entry = entry(principal, event);
        entry.set("details", json.valueToTree(details));
        append(List.of(entry), FlushMode.SYNC);
    }

    /** Records a refused request without waiting; drops it (and counts) when the queue is full. */
    public void refused(String principal, String event, String method, String path, Action action) {
        ObjectNode entry = entry(principal, event).put("method", method).put("path", path);
        if (action != null) {
            entry.put("operation", action.operation().label())
                    .put("resourceType", action.resource().type().label())
                    .put("resourceName", action.resource().name());
        }
        if (closed || !pending.offer(entry)) {
            dropped.incrementAndGet();
        }
    }

    private ObjectNode entry(String principal, String event) {
        ObjectNode entry = json.createObjectNode().put("timeMs", clock.millis()).put("event", event);
        if (principal == null) {
            entry.putNull("principal");
        } else {
            entry.put("principal", principal);
        }
        return entry;
    }

    private void drain() {
        List<ObjectNode> batch = new ArrayList<>(MAX_BATCH);
        while (!closed || !pending.isEmpty()) {
            try {
                ObjectNode first = pending.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                pending.drainTo(batch, MAX_BATCH - 1);
                append(batch, FlushMode.NONE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                dropped.addAndGet(batch.size());
                LOG.log(Level.WARNING, "could not append " + batch.size() + " refusal(s) to " + TOPIC, e);
            } finally {
                batch.clear();
            }
        }
    }

    private void append(List<ObjectNode> entries, FlushMode flush) {
        RecordBatchBuilder builder = new RecordBatchBuilder();
        for (ObjectNode entry : entries) {
            String principal = entry.path("principal").asString("");
            builder.add(entry.path("timeMs").asLong(), principal.getBytes(StandardCharsets.UTF_8),
                    json.writeValueAsBytes(entry));
        }
        try {
            log.append(builder.build(), flush, AppendPrecondition.NONE);
            appended.addAndGet(entries.size());
        } catch (IOException e) {
            throw new UncheckedIOException("could not append to " + TOPIC, e);
        }
    }

    /** Refusals dropped because the queue was full or their append failed. */
    public long dropped() {
        return dropped.get();
    }

    /** Entries written. */
    public long appended() {
        return appended.get();
    }

    /** Writes what is queued, then stops the drainer; waits at most a few seconds. */
    @Override
    public void close() {
        closed = true;
        try {
            drainer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
