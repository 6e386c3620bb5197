package dev.backbone.spring.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.backbone.client.batch.RecordBatchHeader;
import dev.backbone.spring.testing.StarterContexts;
import dev.backbone.spring.testing.StoredBatches;
import dev.backbone.test.EmbeddedBackbone;
import dev.backbone.test.EmbeddedBroker;
import org.junit.jupiter.api.Test;

/**
 * A publisher with no request in flight sends at once, however long its linger; records that arrive while a
 * request is on its way share the next batch. {@code backbone.producer.linger-when-idle=true} makes every record
 * wait its linger, as Kafka's producer does.
 */
@EmbeddedBackbone
class IdlePublishTest {

    private static final int BURST = 300;

    @Test
    void anIdlePublisherSendsAtOnceAndBatchesBehindARequestInFlight(EmbeddedBroker broker) throws Exception {
        String topic = "idle-send";
        broker.createTopic(topic, 1, Map.of());
        // A ten-minute linger: any record that waited for it would fail the test's waits below.
        StarterContexts.runner(broker.url()).withPropertyValues("backbone.producer.linger=10m").run(context -> {
            BackbonePublisher publisher = context.getBean(BackbonePublisher.class);
            assertThat(publisher.publish(topic, "alone").get(30, TimeUnit.SECONDS).offset()).isZero();

            List<CompletableFuture<PublishResult>> futures = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                futures.add(publisher.publish(topic, "burst-" + i));
            }
            List<Long> offsets = new ArrayList<>();
            for (CompletableFuture<PublishResult> future : futures) {
                offsets.add(future.get(30, TimeUnit.SECONDS).offset());
            }
            assertThat(offsets).as("the burst in publish order").isSorted().doesNotHaveDuplicates()
                    .allMatch(o -> o >= 1 && o <= BURST);
        });
        List<Integer> batches = storedBatchSizes(broker, topic);
        assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(1 + BURST);
        assertThat(batches.get(0)).as("the lone record went by itself").isEqualTo(1);
        // The burst is published far faster than a round trip: its records wait behind the request in flight and
        // leave together when it returns, instead of one request each.
        assertThat(batches.size()).as("batches of the burst, sizes " + batches).isLessThanOrEqualTo(1 + BURST / 3);
    }

    @Test
    void lingerWhenIdleKeepsALoneRecordForItsLinger(EmbeddedBroker broker) throws Exception {
        String topic = "idle-linger";
        broker.createTopic(topic, 1, Map.of());
        List<CompletableFuture<PublishResult>> lone = new ArrayList<>();
        StarterContexts.runner(broker.url())
                .withPropertyValues("backbone.producer.linger=10m", "backbone.producer.linger-when-idle=true")
                .run(context -> {
                    BackbonePublisher publisher = context.getBean(BackbonePublisher.class);
                    lone.add(publisher.publish(topic, "lingering"));
                    Thread.sleep(300);
                    assertThat(lone.get(0)).as("a record within its linger").isNotDone();
                });
        // Closing the context closes the publisher, which sends what waits without lingering.
        assertThat(lone.get(0).get(30, TimeUnit.SECONDS).offset()).isZero();
        assertThat(storedBatchSizes(broker, topic)).containsExactly(1);
    }

    /** The record count of every batch of partition 0, as the broker stores and serves them. */
    private static List<Integer> storedBatchSizes(EmbeddedBroker broker, String topic) throws Exception {
        return StoredBatches.headers(broker, topic, 0).stream().map(RecordBatchHeader::recordCount).toList();
    }
}
