package dev.backbone.spring.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.BackboneClientSettings;
import dev.backbone.spring.testing.DroppingProxy;
import dev.backbone.spring.testing.StarterContexts;
import dev.backbone.test.EmbeddedBackbone;
import dev.backbone.test.EmbeddedBroker;
import org.junit.jupiter.api.Test;

/**
 * A publish whose answer is lost with its connection is retried and not stored twice: every record has one offset
 * and the partition holds exactly the records published.
 */
@EmbeddedBackbone
class RetriedPublishTest {

    @Test
    void aRetryAfterADroppedConnectionDoesNotDuplicate(EmbeddedBroker broker) throws Exception {
        broker.createTopic("retried", 1, Map.of());
        try (DroppingProxy proxy = new DroppingProxy(broker.port())) {
            StarterContexts.runner(proxy.url()).withPropertyValues("backbone.producer.linger=50ms").run(context -> {
                BackbonePublisher publisher = context.getBean(BackbonePublisher.class);
                assertThat(publisher.publish("retried", "warm-up").get(10, TimeUnit.SECONDS).offset()).isZero();

                proxy.dropNextResponse();
                List<CompletableFuture<PublishResult>> futures = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    futures.add(publisher.publish("retried", "k" + i, "event-" + i));
                }
                List<Long> offsets = new ArrayList<>();
                for (CompletableFuture<PublishResult> future : futures) {
                    offsets.add(future.get(20, TimeUnit.SECONDS).offset());
                }
                assertThat(proxy.dropped()).as("an answer was lost").isEqualTo(1);
                assertThat(offsets).doesNotHaveDuplicates().allMatch(o -> o >= 1 && o <= 20);
            });
        }
        try (BackboneClient client = new BackboneClient(BackboneClientSettings.builder(broker.url()).build())) {
            assertThat(client.offsets("retried", 0).block(Duration.ofSeconds(5)).endOffset())
                    .as("records stored: the warm-up and 20, none twice").isEqualTo(21);
        }
    }
}
