package dev.backbone.spring.audit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.backbone.client.batch.Header;
import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.ChainVerification;
import dev.backbone.client.http.ConsumedRecord;
import dev.backbone.client.http.FetchOptions;
import dev.backbone.client.http.FetchResult;
import dev.backbone.client.http.Flush;
import dev.backbone.client.http.ProducerRecord;
import dev.backbone.spring.serde.BackboneHeaders;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link AuditTrail} on a Backbone topic with a hash chain: one partition (so entries have one order), created with
 * {@code audit.chain=true} and {@code flush=sync} if missing. Each entry is one JSON record, synced before it is
 * acknowledged, so each is its own link of the chain.
 *
 * <p>Thread-safe.
 */
public final class BackboneAuditTrail implements AuditTrail {

    /** The event type of audit entries on the wire. */
    public static final String ENTRY_TYPE = "audit.entry";

    private static final int READ_MAX_BYTES = 1 << 20;

    private final BackboneClient client;

    private final JsonMapper mapper;

    private final String topic;

    private final Duration timeout;

    private final Mono<Void> topicReady;

    /**
     * @param client  the broker client
     * @param mapper  writes entries as JSON
     * @param topic   the audit topic
     * @param timeout longest wait for one broker answer
     */
    public BackboneAuditTrail(BackboneClient client, JsonMapper mapper, String topic, Duration timeout) {
        this.client = client;
        this.mapper = mapper;
        this.topic = topic;
        this.timeout = timeout;
        this.topicReady = client.createTopicIfMissing(topic, 1, Map.of("audit.chain", "true", "flush", "sync"))
                .then()
                .cache(v -> Duration.ofMillis(Long.MAX_VALUE), error -> Duration.ZERO,
                        () -> Duration.ofMillis(Long.MAX_VALUE));
    }

    public String topic() {
        return topic;
    }

    @Override
    public CompletableFuture<Long> record(AuditEntry entry) {
        byte[] value = mapper.writeValueAsBytes(entry);
        byte[] key = entry.entityId() == null ? null : entry.entityId().getBytes(StandardCharsets.UTF_8);
        List<Header> headers = List.of(
                new Header(BackboneHeaders.EVENT_TYPE, ENTRY_TYPE.getBytes(StandardCharsets.UTF_8)));
        ProducerRecord record = new ProducerRecord(key, value, headers, entry.time().toEpochMilli());
        return topicReady
                .then(client.idempotentProducer().send(topic, 0, List.of(record), Flush.SYNC))
                .map(result -> result.firstOffset())
                .toFuture();
    }

    @Override
    public ChainVerification verify() {
        return topicReady.then(client.verifyChain(topic, 0)).block(timeout);
    }

    @Override
    public List<AuditEntry> entries() {
        topicReady.block(timeout);
        List<AuditEntry> entries = new ArrayList<>();
        long offset = client.offsets(topic, 0).block(timeout).startOffset();
        while (true) {
            FetchResult page = client.fetch(topic, 0, offset, new FetchOptions(READ_MAX_BYTES, Duration.ZERO))
                    .block(timeout);
            for (ConsumedRecord record : page.records()) {
                if (record.value() != null) {
                    entries.add(mapper.readValue(record.value(), AuditEntry.class));
                }
            }
            if (page.records().isEmpty() || page.nextOffset() >= page.endOffset()) {
                return entries;
            }
            offset = page.nextOffset();
        }
    }
}
