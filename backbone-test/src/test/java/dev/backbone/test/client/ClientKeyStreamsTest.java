package dev.backbone.test.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backbone.client.http.AuditChainDisabledException;
import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.ChainHead;
import dev.backbone.client.http.ChainVerification;
import dev.backbone.client.http.ConcurrencyConflictException;
import dev.backbone.client.http.ExpectedVersion;
import dev.backbone.client.http.Flush;
import dev.backbone.client.http.KeyAppendResult;
import dev.backbone.client.http.KeyStreamPage;
import dev.backbone.client.http.KeyedEvent;
import dev.backbone.client.http.VersionedEvent;
import dev.backbone.test.EmbeddedBackbone;
import dev.backbone.test.EmbeddedBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@EmbeddedBackbone(topics = {"keys-a", "keys-plain"}, partitions = 3)
class ClientKeyStreamsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static BackboneClient client;

    @BeforeAll
    static void connect(EmbeddedBroker broker) {
        client = BackboneClient.create(broker.url());
        client.createTopicIfMissing("keys-audit", 1, Map.of("audit.chain", "true")).block(WAIT);
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Test
    void appendsWithExpectedVersionsAndReadsThemBack() {
        String key = "order 7/ü";
        KeyAppendResult created = client.appendToKey("keys-a", key, ExpectedVersion.NO_STREAM, List.of(
                event("{\"type\": \"Placed\", \"total\": 12.50}", Map.of("type", "Placed")),
                event("{\"type\":\"Paid\"}", Map.of()))).block(WAIT);
        assertThat(created.key()).isEqualTo(key);
        assertThat(created.firstVersion()).isZero();
        assertThat(created.nextExpectedVersion()).isEqualTo(1);
        assertThat(created.offsets()).hasSize(2);

        KeyAppendResult shipped = client.appendToKey("keys-a", key, 1, List.of(event("{\"type\":\"Shipped\"}",
                Map.of())), Flush.SYNC).block(WAIT);
        assertThat(shipped.firstVersion()).isEqualTo(2);
        assertThat(shipped.partition()).isEqualTo(created.partition());

        assertThatThrownBy(() -> client.appendToKey("keys-a", key, 1, List.of(event("{}", Map.of()))).block(WAIT))
                .isInstanceOfSatisfying(ConcurrencyConflictException.class, e -> {
                    assertThat(e.expectedVersion()).isEqualTo(1);
                    assertThat(e.currentVersion()).isEqualTo(2);
                    assertThat(e.key()).isEqualTo(key);
                    assertThat(e.topic()).isEqualTo("keys-a");
                });
        assertThatThrownBy(() -> client.appendToKey("keys-a", key, ExpectedVersion.NO_STREAM,
                List.of(event("{}", Map.of()))).block(WAIT))
                .isInstanceOfSatisfying(ConcurrencyConflictException.class,
                        e -> assertThat(e.currentVersion()).isEqualTo(2));
        assertThat(client.appendToKey("keys-a", key, ExpectedVersion.ANY, List.of(event("{\"any\":1}", Map.of())))
                .block(WAIT).firstVersion()).isEqualTo(3);

        KeyStreamPage page = client.readKey("keys-a", key, 0, 2).block(WAIT);
        assertThat(page.currentVersion()).isEqualTo(3);
        assertThat(page.nextVersion()).isEqualTo(2);
        assertThat(page.isLast()).isFalse();
        VersionedEvent placed = page.events().get(0);
        assertThat(new String(placed.jsonValue(), StandardCharsets.UTF_8))
                .isEqualTo("{\"type\": \"Placed\", \"total\": 12.50}");
        assertThat(placed.header("type")).isEqualTo("Placed");
        assertThat(placed.offset()).isEqualTo(created.offsets().get(0));
        KeyStreamPage rest = client.readKey("keys-a", key, page.nextVersion(), 100).block(WAIT);
        assertThat(rest.events()).extracting(VersionedEvent::version).containsExactly(2L, 3L);
        assertThat(rest.isLast()).isTrue();

        KeyStreamPage unknown = client.readKey("keys-a", "never", 0, 10).block(WAIT);
        assertThat(unknown.currentVersion()).isEqualTo(-1);
        assertThat(unknown.events()).isEmpty();
    }

    @Test
    void auditChainHeadAndVerification() {
        client.appendToKey("keys-audit", "acct-1", ExpectedVersion.ANY, List.of(event("{\"amount\":5}", Map.of())))
                .block(WAIT);
        ChainHead head = client.chainHead("keys-audit", 0).block(WAIT);
        assertThat(head.offset()).isZero();
        assertThat(head.batches()).isEqualTo(1);
        assertThat(head.hash()).hasSize(64);
        client.appendToKey("keys-audit", "acct-1", ExpectedVersion.ANY, List.of(event("{\"amount\":6}", Map.of())))
                .block(WAIT);

        ChainVerification plain = client.verifyChain("keys-audit", 0).block(WAIT);
        assertThat(plain.valid()).isTrue();
        assertThat(plain.batches()).isEqualTo(2);
        assertThat(plain.claim()).isNull();
        ChainVerification claimed = client.verifyChain("keys-audit", 0, head).block(WAIT);
        assertThat(claimed.valid()).isTrue();
        assertThat(claimed.claim()).isEqualTo("matched");
        ChainVerification forged = client.verifyChain("keys-audit", 0,
                new ChainHead("keys-audit", 0, 0, "0".repeat(64), 1)).block(WAIT);
        assertThat(forged.valid()).isFalse();
        assertThat(forged.reason()).isEqualTo("claim-mismatch");

        assertThatThrownBy(() -> client.chainHead("keys-plain", 0).block(WAIT))
                .isInstanceOfSatisfying(AuditChainDisabledException.class,
                        e -> assertThat(e.topic()).isEqualTo("keys-plain"));
    }

    private static KeyedEvent event(String json, Map<String, String> headers) {
        return new KeyedEvent(json.getBytes(StandardCharsets.UTF_8), headers);
    }
}
