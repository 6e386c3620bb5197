package dev.backbone.spring.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.GroupDescription;
import dev.backbone.client.http.UnknownGroupException;
import dev.backbone.spring.publish.BackbonePublisher;
import dev.backbone.spring.testing.ChildJvm;
import dev.backbone.spring.testing.Deadline;
import dev.backbone.spring.testing.StarterContexts;
import dev.backbone.test.EmbeddedBackbone;
import dev.backbone.test.EmbeddedBroker;
import org.junit.jupiter.api.Test;

/**
 * A member killed with SIGKILL after handling records but before committing them: once its session expires, the
 * other member of the group gets the partition and handles every record from the last commit on, those the dead
 * member handled included. Nothing is lost.
 */
@EmbeddedBackbone
class RedeliveryAfterKillTest {

    private static final int RECORDS = 40;

    private static final int HANDLED_BY_CHILD = 5;

    /** The surviving member's listener. */
    static class Survivor {

        final Set<Long> offsets = ConcurrentHashMap.newKeySet();

        @BackboneListener(topics = "crash", group = "crash")
        void on(BackboneRecord<String> record) {
            offsets.add(record.offset());
        }
    }

    @Test
    void recordsHandledButNotCommittedByAKilledMemberAreRedeliveredToTheOther(EmbeddedBroker broker)
            throws Exception {
        broker.createTopic("crash", 1, Map.of());
        Set<Long> handledByChild = ConcurrentHashMap.newKeySet();
        Process child = ChildJvm.command(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), BlockingMemberMain.class,
                broker.url(), "crash", "crash", Integer.toString(HANDLED_BY_CHILD))
                .redirectErrorStream(true).start();
        Thread reader = new Thread(() -> readChild(child, handledByChild), "child-output");
        reader.setDaemon(true);
        reader.start();
        try {
            StarterContexts.runner(broker.url()).withPropertyValues("backbone.consumer.auto-startup=false")
                    .withBean(Survivor.class).run(context -> {
                        BackbonePublisher publisher = context.getBean(BackbonePublisher.class);
                        for (int i = 0; i < RECORDS; i++) {
                            publisher.publish("crash", "record-" + i).get(10, TimeUnit.SECONDS);
                        }
                        Deadline.await(Duration.ofSeconds(60), "the child to handle " + HANDLED_BY_CHILD
                                + " records", () -> handledByChild.size() == HANDLED_BY_CHILD);

                        BackboneListenerRegistry registry = context.getBean(BackboneListenerRegistry.class);
                        registry.containers().forEach(ListenerContainer::start);
                        BackboneClient client = context.getBean(BackboneClient.class);
                        Deadline.await(Duration.ofSeconds(10), "two members in the group",
                                () -> members(client) == 2);
                        Survivor survivor = context.getBean(Survivor.class);
                        assertThat(survivor.offsets).as("the child still owns the partition").isEmpty();

                        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                        Deadline.await(Duration.ofSeconds(30), "all records handled by the survivor",
                                () -> survivor.offsets.size() == RECORDS);
                        assertThat(survivor.offsets).containsAll(handledByChild);
                        assertThat(handledByChild).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L);
                    });
        } finally {
            child.destroyForcibly();
        }
    }

    private static int members(BackboneClient client) {
        try {
            GroupDescription group = client.describeGroup("crash").block(Duration.ofSeconds(5));
            return group.members().size();
        } catch (UnknownGroupException e) {
            return 0;
        }
    }

    private static void readChild(Process child, Set<Long> handled) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                System.out.println("child> " + line);
                if (line.startsWith("HANDLED ")) {
                    handled.add(Long.parseLong(line.substring("HANDLED ".length()).trim()));
                }
            }
        } catch (java.io.IOException e) {
            // The child was killed: its output ends here.
        }
    }
}
