package dev.backbone.spring.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.BackboneClientSettings;
import dev.backbone.spring.publish.BackbonePublisher;
import dev.backbone.spring.publish.PublishResult;
import dev.backbone.spring.testing.Deadline;
import dev.backbone.spring.testing.StarterContexts;
import dev.backbone.test.EmbeddedBackbone;
import dev.backbone.test.EmbeddedBroker;
import org.junit.jupiter.api.Test;

/**
 * {@code backbone.consumer.commit-interval}: a member commits at most once per interval, a timer sends what it
 * handled last even when no record follows, and a closing context commits at once.
 */
@EmbeddedBackbone
class CommitIntervalTest {

    static class NoteHandler {

        final List<String> handled = new CopyOnWriteArrayList<>();

        @BackboneListener(id = "interval", topics = "notes-interval", group = "notes-interval")
        void on(String note) {
            handled.add(note);
        }
    }

    @Test
    void commitsAtMostOncePerIntervalAndTheLastPositionsStillGo(EmbeddedBroker broker) throws Exception {
        broker.createTopic("notes-interval", 1, Map.of());
        NoteHandler handler = new NoteHandler();
        try (BackboneClient client = new BackboneClient(BackboneClientSettings.builder(broker.url()).build())) {
            StarterContexts.runner(broker.url()).withPropertyValues("backbone.consumer.commit-interval=10s")
                    .withBean(NoteHandler.class, () -> handler).run(context -> {
                        BackbonePublisher publisher = context.getBean(BackbonePublisher.class);
                        BackboneListenerRegistry registry = context.getBean(BackboneListenerRegistry.class);

                        publish(publisher, registry, "a");
                        Deadline.await(Duration.ofSeconds(10), "the first commit, due at once",
                                () -> committed(client) == 1);

                        publish(publisher, registry, "b");
                        // Without the interval the commit of "b" would arrive within milliseconds.
                        Thread.sleep(1_000);
                        assertThat(committed(client)).as("a second commit within the interval waits").isEqualTo(1);
                        Deadline.await(Duration.ofSeconds(30), "the timer's commit, with no record after it",
                                () -> committed(client) == 2);

                        publish(publisher, registry, "c");
                        Thread.sleep(1_000);
                        assertThat(committed(client)).as("again within the interval").isEqualTo(2);
                    });
            assertThat(handler.handled).containsExactly("a", "b", "c");
            assertThat(committed(client)).as("the closing context committed without waiting").isEqualTo(3);
        }
    }

    private static void publish(BackbonePublisher publisher, BackboneListenerRegistry registry, String note)
            throws Exception {
        PublishResult result = publisher.publish("notes-interval", note).get(10, TimeUnit.SECONDS);
        assertThat(registry.awaitProcessed("notes-interval", 0, result.offset(), Duration.ofSeconds(10))).isTrue();
    }

    private static long committed(BackboneClient client) {
        return client.describeGroup("notes-interval").block(Duration.ofSeconds(5)).partitions().get(0)
                .committedOffset();
    }
}
