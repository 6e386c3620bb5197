package dev.backbone.spring.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.GroupDescription;
import dev.backbone.client.http.UnknownGroupException;
import dev.backbone.spring.publish.BackbonePublisher;
import dev.backbone.spring.publish.PublishResult;
import dev.backbone.spring.serde.EventType;
import dev.backbone.spring.testing.Deadline;
import dev.backbone.spring.testing.StarterContexts;
import dev.backbone.test.EmbeddedBackbone;
import dev.backbone.test.EmbeddedBroker;
import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationContext;

/**
 * Publish and listen against a real broker: 10,000 events each handled once, and two members of one group that
 * split the partitions and together handle every event exactly once when nothing fails.
 */
@EmbeddedBackbone
class PublishListenRoundTripTest {

    @EventType("order.placed")
    record OrderPlaced(String id, long amount) {
    }

    /** Counts every event it is handed, by id, and keeps the event type header it saw. */
    static class Collector {

        final Map<String, Integer> seen = new ConcurrentHashMap<>();

        final Set<String> eventTypes = ConcurrentHashMap.newKeySet();

        @BackboneListener(id = "collector", topics = "${test.topic}", group = "${test.group}")
        void on(BackboneRecord<OrderPlaced> record) {
            eventTypes.add(String.valueOf(record.eventType()));
            seen.merge(record.value().id(), 1, Integer::sum);
        }
    }

    @Test
    void tenThousandEventsAreEachHandledOnce(EmbeddedBroker broker) throws Exception {
        broker.createTopic("roundtrip", 4, Map.of());
        StarterContexts.runner(broker.url())
                .withPropertyValues("test.topic=roundtrip", "test.group=roundtrip")
                .withBean(Collector.class)
                .run(context -> {
                    Collector collector = context.getBean(Collector.class);
                    List<PublishResult> results = publish(context, "roundtrip", 10_000);
                    assertThat(results.stream().map(r -> r.partition() + "@" + r.offset()).distinct())
                            .hasSize(10_000);
                    assertThat(results.stream().map(PublishResult::partition).distinct()).hasSize(4);
                    Deadline.await(Duration.ofSeconds(60), "10,000 events handled",
                            () -> collector.seen.size() == 10_000);
                    assertThat(collector.seen.values()).allMatch(count -> count == 1);
                    assertThat(collector.eventTypes).containsExactly("order.placed");
                    PublishResult last = results.get(results.size() - 1);
                    assertThat(context.getBean(BackboneListenerRegistry.class)
                            .awaitProcessed("roundtrip", last.partition(), last.offset(), Duration.ofSeconds(5)))
                            .isTrue();
                });
    }

    record Bulky(long n, String note) {
    }

    /** Keeps, per partition, the numbers of the events in the order it was handed them, and any damaged note. */
    static class OrderKeeper {

        final Map<Integer, List<Long>> numbers = new ConcurrentHashMap<>();

        final Set<Long> damaged = ConcurrentHashMap.newKeySet();

        @BackboneListener(id = "order-keeper", topics = "${test.topic}", group = "${test.group}")
        void on(BackboneRecord<Bulky> record) {
            numbers.computeIfAbsent(record.partition(), p -> new java.util.concurrent.CopyOnWriteArrayList<>())
                    .add(record.value().n());
            if (!record.value().note().equals(note(record.value().n()))) {
                damaged.add(record.value().n());
            }
        }

        static String note(long n) {
            return Long.toString(n).repeat(1_000 / Long.toString(n).length() + 1).substring(0, 1_000);
        }
    }

    /**
     * Three megabytes through batches near the batch size (whose buffers the client reuses once acknowledged)
     * and small fetches (so the member reads ahead again and again while it is behind): every event arrives once,
     * intact, and in publish order within its partition.
     */
    @Test
    void bulkyEventsArriveIntactAndInOrderPerPartition(EmbeddedBroker broker) throws Exception {
        broker.createTopic("bulky", 2, Map.of());
        StarterContexts.runner(broker.url())
                // Generous timeouts: a build on a busy machine may leave this JVM without a core for seconds, and an
                // expired membership would (rightly) redeliver, which is not what this test is about.
                .withPropertyValues("test.topic=bulky", "test.group=bulky", "backbone.producer.batch-size=256KB",
                        "backbone.consumer.max-bytes=64KB", "backbone.consumer.session-timeout=30s",
                        "backbone.consumer.heartbeat-interval=1s", "backbone.producer.delivery-timeout=60s")
                .withBean(OrderKeeper.class)
                .run(context -> {
                    OrderKeeper keeper = context.getBean(OrderKeeper.class);
                    BackbonePublisher publisher = context.getBean(BackbonePublisher.class);
                    List<CompletableFuture<PublishResult>> futures = new ArrayList<>();
                    for (long n = 0; n < 3_000; n++) {
                        futures.add(publisher.publish("bulky", "key-" + (n % 7), new Bulky(n, OrderKeeper.note(n))));
                    }
                    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
                    Deadline.await(Duration.ofSeconds(90), "3,000 events handled",
                            () -> keeper.numbers.values().stream().mapToInt(List::size).sum() >= 3_000);
                    assertThat(keeper.damaged).isEmpty();
                    assertThat(keeper.numbers.values().stream().mapToInt(List::size).sum()).isEqualTo(3_000);
                    for (List<Long> inPartition : keeper.numbers.values()) {
                        assertThat(inPartition).isSorted().doesNotHaveDuplicates();
                    }
                });
    }

    @Test
    void twoMembersOfOneGroupSplitThePartitionsAndHandleEachEventOnce(EmbeddedBroker broker) {
        broker.createTopic("split", 4, Map.of());
        var runner = StarterContexts.runner(broker.url())
                .withPropertyValues("test.topic=split", "test.group=split")
                .withBean(Collector.class);
        runner.run(first -> runner.run(second -> {
            BackboneClient client = first.getBean(BackboneClient.class);
            Deadline.await(Duration.ofSeconds(20), "two members with two partitions each", () -> {
                try {
                    GroupDescription group = client.describeGroup("split").block(Duration.ofSeconds(5));
                    return group.members().size() == 2
                            && group.members().stream().allMatch(m -> m.assignments().size() == 2);
                } catch (UnknownGroupException e) {
                    return false;
                }
            });
            publish(first, "split", 2_000);
            Collector a = first.getBean(Collector.class);
            Collector b = second.getBean(Collector.class);
            Deadline.await(Duration.ofSeconds(30), "2,000 events handled",
                    () -> a.seen.size() + b.seen.size() >= 2_000);
            Set<String> both = new HashSet<>(a.seen.keySet());
            both.retainAll(b.seen.keySet());
            assertThat(both).as("events handled by both members").isEmpty();
            assertThat(a.seen.size() + b.seen.size()).isEqualTo(2_000);
            assertThat(a.seen.values()).allMatch(count -> count == 1);
            assertThat(b.seen.values()).allMatch(count -> count == 1);
            assertThat(a.seen).isNotEmpty();
            assertThat(b.seen).isNotEmpty();
        }));
    }

    private static List<PublishResult> publish(ApplicationContext context, String topic, int count)
            throws Exception {
        BackbonePublisher publisher = context.getBean(BackbonePublisher.class);
        List<CompletableFuture<PublishResult>> futures = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            futures.add(publisher.publish(topic, "order-" + i, new OrderPlaced("order-" + i, i)));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        List<PublishResult> results = new ArrayList<>(count);
        for (CompletableFuture<PublishResult> f : futures) {
            results.add(f.join());
        }
        return results;
    }
}
