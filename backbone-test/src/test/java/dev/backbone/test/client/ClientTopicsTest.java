package dev.backbone.test.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backbone.client.http.AccessDeniedException;
import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.BackboneProblemException;
import dev.backbone.client.http.TopicExistsException;
import dev.backbone.client.http.TopicInfo;
import dev.backbone.client.http.TopicSummary;
import dev.backbone.client.http.UnknownPartitionException;
import dev.backbone.client.http.UnknownTopicException;
import dev.backbone.test.EmbeddedBackbone;
import dev.backbone.test.EmbeddedBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@EmbeddedBackbone
class ClientTopicsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static BackboneClient client;

    @BeforeAll
    static void connect(EmbeddedBroker broker) {
        client = BackboneClient.create(broker.url());
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Test
    void createsDescribesListsAltersAndDeletes() {
        TopicInfo created = client.createTopic("topics-a", 3, Map.of("retention.ms", "3600000")).block(WAIT);
        assertThat(created.name()).isEqualTo("topics-a");
        assertThat(created.partitionCount()).isEqualTo(3);
        assertThat(created.partitions().get(2).endOffset()).isZero();
        assertThat(created.config()).containsEntry("retention.ms", "3600000").containsEntry("flush", "none");
        assertThat(client.describeTopic("topics-a").block(WAIT)).isEqualTo(created);

        assertThat(client.listTopics().block(WAIT)).contains(new TopicSummary("topics-a", 3, false))
                .noneMatch(TopicSummary::internal);
        assertThat(client.listTopics(true).block(WAIT)).anyMatch(TopicSummary::internal);

        Map<String, String> patch = new HashMap<>();
        patch.put("flush", "sync");
        patch.put("retention.ms", null);
        TopicInfo altered = client.alterTopicConfig("topics-a", patch).block(WAIT);
        assertThat(altered.config()).containsEntry("flush", "sync").containsEntry("retention.ms", "604800000");

        client.deleteTopic("topics-a").block(WAIT);
        assertThatThrownBy(() -> client.describeTopic("topics-a").block(WAIT))
                .isInstanceOfSatisfying(UnknownTopicException.class, e -> {
                    assertThat(e.topic()).isEqualTo("topics-a");
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.slug()).isEqualTo("unknown-topic");
                    assertThat(e.instance()).isEqualTo("/v1/topics/topics-a");
                });
    }

    @Test
    void createIfMissingKeepsAnExistingTopic() {
        client.createTopic("topics-b", 2, Map.of()).block(WAIT);
        assertThatThrownBy(() -> client.createTopic("topics-b", 5, Map.of()).block(WAIT))
                .isInstanceOfSatisfying(TopicExistsException.class, e -> assertThat(e.topic()).isEqualTo("topics-b"));
        assertThat(client.createTopicIfMissing("topics-b", 5, Map.of()).block(WAIT).partitionCount()).isEqualTo(2);
        assertThat(client.createTopicIfMissing("topics-c", 4, Map.of()).block(WAIT).partitionCount()).isEqualTo(4);
    }

    @Test
    void noPartitionCountLeavesItToTheBroker() {
        assertThat(client.createTopicIfMissing("topics-default", 0, Map.of()).block(WAIT).partitionCount())
                .isEqualTo(1);
        assertThat(client.createTopic("topics-default-2", -1, Map.of()).block(WAIT).partitionCount()).isEqualTo(1);
    }

    @Test
    void refusalsCarryTheirFacts() {
        client.createTopic("topics-d", 2, Map.of()).block(WAIT);
        assertThatThrownBy(() -> client.offsets("topics-d", 7).block(WAIT))
                .isInstanceOfSatisfying(UnknownPartitionException.class, e -> {
                    assertThat(e.partition()).isEqualTo(7);
                    assertThat(e.partitionCount()).isEqualTo(2);
                });
        assertThatThrownBy(() -> client.createTopic("topics-e", 1, Map.of("flush", "sometimes")).block(WAIT))
                .isExactlyInstanceOf(BackboneProblemException.class)
                .satisfies(e -> {
                    BackboneProblemException p = (BackboneProblemException) e;
                    assertThat(p.slug()).isEqualTo("invalid-config");
                    assertThat(p.status()).isEqualTo(400);
                    assertThat(p.extensions()).containsEntry("key", "flush").containsEntry("value", "sometimes");
                    assertThat(p.type().toString()).isEqualTo("https://backbone.dev/problems/invalid-config");
                });
        assertThatThrownBy(() -> client.deleteTopic("__backbone_offsets").block(WAIT))
                .isInstanceOfSatisfying(AccessDeniedException.class, e -> assertThat(e.slug())
                        .isEqualTo("internal-topic"));
    }

    @Test
    void healthIsUp() {
        client.health().block(WAIT);
    }
}
