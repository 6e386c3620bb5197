package dev.backbone.spring.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.IdempotentProducer;
import dev.backbone.client.http.ProducerRecord;
import dev.backbone.spring.testing.Deadline;
import dev.backbone.spring.testing.DroppingProxy;
import dev.backbone.spring.testing.StarterContexts;
import dev.backbone.test.EmbeddedBackbone;
import dev.backbone.test.EmbeddedBroker;
import org.junit.jupiter.api.Test;

/**
 * A member that keeps up with a steady trickle of events reuses its connections. Records often reach a partition
 * while the broker builds a long-poll answer; the member used to switch to binary reads then and cancel the poll it
 * had started ahead, and a cancelled exchange costs its connection: about 30 new connections a second at 1,000
 * events/s. The listener here talks to the broker through a proxy that counts connections: without the fix it
 * opened 76 during this test, with it 5 (its pool grows to the requests it has in flight at once: a long poll, up
 * to one binary read per partition, a commit, a heartbeat).
 */
@EmbeddedBackbone
class TrickleConnectionsTest {

    static class Counter {

        final AtomicInteger handled = new AtomicInteger();

        @BackboneListener(id = "trickle", topics = "${test.topic}", group = "${test.group}")
        void on(byte[] value) {
            handled.incrementAndGet();
        }
    }

    @Test
    void aMemberThatKeepsUpWithATrickleReusesItsConnections(EmbeddedBroker broker) throws Exception {
        broker.createTopic("trickle", 4, Map.of());
        try (DroppingProxy proxy = new DroppingProxy(broker.port());
             BackboneClient publishing = BackboneClient.create(broker.url())) {
            IdempotentProducer producer = publishing.idempotentProducer();
            StarterContexts.runner(proxy.url())
                    .withPropertyValues("test.topic=trickle", "test.group=trickle",
                            "backbone.consumer.session-timeout=30s", "backbone.consumer.heartbeat-interval=1s")
                    .withBean(Counter.class)
                    .run(context -> {
                        Counter counter = context.getBean(Counter.class);
                        send(producer, 0);
                        Deadline.await(Duration.ofSeconds(30), "the first event handled",
                                () -> counter.handled.get() == 1);
                        int connectionsBefore = proxy.connections();
                        // One record per request, one request at a time: a trickle of about 1,000 a second.
                        for (int i = 1; i <= 2_000; i++) {
                            send(producer, i);
                        }
                        Deadline.await(Duration.ofSeconds(60), "2,001 events handled",
                                () -> counter.handled.get() == 2_001);
                        assertThat(proxy.connections() - connectionsBefore)
                                .as("connections the listener opened while it kept up with 2,000 events")
                                .isLessThanOrEqualTo(20);
                    });
        }
    }

    private static void send(IdempotentProducer producer, int i) {
        byte[] value = ("event " + i).getBytes(StandardCharsets.UTF_8);
        producer.send("trickle", i % 4, List.of(new ProducerRecord(null, value, List.of(), System.currentTimeMillis())),
                null).block(Duration.ofSeconds(30));
    }
}
