package dev.backbone.spring.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.BackboneClientSettings;
import dev.backbone.client.http.GroupDescription;
import dev.backbone.spring.publish.BackbonePublisher;
import dev.backbone.spring.publish.PublishResult;
import dev.backbone.spring.testing.Deadline;
import dev.backbone.spring.testing.StarterContexts;
import dev.backbone.test.EmbeddedBackbone;
import dev.backbone.test.EmbeddedBroker;
import org.junit.jupiter.api.Test;

/** Pause and resume by id; a closing context finishes the record in hand, commits it and leaves the group. */
@EmbeddedBackbone
class ListenerLifecycleTest {

    /** Handles notes; the one named "slow" takes until the test lets it go. */
    static class NoteHandler {

        final List<String> handled = new CopyOnWriteArrayList<>();

        final CountDownLatch slowStarted = new CountDownLatch(1);

        @BackboneListener(id = "notes", topics = "${test.topic}", group = "${test.topic}")
        void on(String note) throws InterruptedException {
            if (note.equals("slow")) {
                slowStarted.countDown();
                Thread.sleep(700);
            }
            handled.add(note);
        }
    }

    @Test
    void aPausedContainerHandlesNothingUntilResumed(EmbeddedBroker broker) throws Exception {
        broker.createTopic("notes-pause", 1, Map.of());
        StarterContexts.runner(broker.url()).withPropertyValues("test.topic=notes-pause")
                .withBean(NoteHandler.class).run(context -> {
                    BackboneListenerRegistry registry = context.getBean(BackboneListenerRegistry.class);
                    BackbonePublisher publisher = context.getBean(BackbonePublisher.class);
                    NoteHandler handler = context.getBean(NoteHandler.class);
                    publisher.publish("notes-pause", "first").get(10, TimeUnit.SECONDS);
                    Deadline.await(Duration.ofSeconds(10), "first handled", () -> handler.handled.contains("first"));

                    registry.pause("notes");
                    assertThat(registry.container("notes").isPaused()).isTrue();
                    PublishResult second = publisher.publish("notes-pause", "second").get(10, TimeUnit.SECONDS);
                    assertThat(registry.awaitProcessed("notes-pause", 0, second.offset(), Duration.ofSeconds(1)))
                            .isFalse();
                    assertThat(handler.handled).containsExactly("first");

                    registry.resume("notes");
                    assertThat(registry.awaitProcessed("notes-pause", 0, second.offset(), Duration.ofSeconds(10)))
                            .isTrue();
                    assertThat(handler.handled).containsExactly("first", "second");
                });
    }

    @Test
    void closingTheContextFinishesTheRecordInHandCommitsAndLeaves(EmbeddedBroker broker) throws Exception {
        broker.createTopic("notes-close", 1, Map.of());
        NoteHandler handler = new NoteHandler();
        StarterContexts.runner(broker.url()).withPropertyValues("test.topic=notes-close")
                .withBean(NoteHandler.class, () -> handler).run(context -> {
                    BackbonePublisher publisher = context.getBean(BackbonePublisher.class);
                    publisher.publish("notes-close", "a").get(10, TimeUnit.SECONDS);
                    publisher.publish("notes-close", "slow").get(10, TimeUnit.SECONDS);
                    publisher.publish("notes-close", "after-slow").get(10, TimeUnit.SECONDS);
                    assertThat(handler.slowStarted.await(10, TimeUnit.SECONDS)).isTrue();
                });
        assertThat(handler.handled).as("the record in hand finished, nothing after it started")
                .containsExactly("a", "slow");
        try (BackboneClient client = new BackboneClient(BackboneClientSettings.builder(broker.url()).build())) {
            GroupDescription group = client.describeGroup("notes-close").block(Duration.ofSeconds(5));
            assertThat(group.members()).as("the member left").isEmpty();
            assertThat(group.partitions()).singleElement()
                    .satisfies(p -> assertThat(p.committedOffset()).isEqualTo(2));
        }
    }
}
