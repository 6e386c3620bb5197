package dev.backbone.spring.publish;

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

import dev.backbone.client.batch.CompressionCodec;
import dev.backbone.client.batch.RecordBatchHeader;
import dev.backbone.spring.listener.BackboneListener;
import dev.backbone.spring.testing.Deadline;
import dev.backbone.spring.testing.StarterContexts;
import dev.backbone.spring.testing.StoredBatches;
import dev.backbone.test.EmbeddedBackbone;
import dev.backbone.test.EmbeddedBroker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code backbone.producer.compression}: the broker stores the publisher's batches compressed with the configured
 * codec, and a listener reads every event back.
 */
@EmbeddedBackbone
class CompressedPublishTest {

    private static final int EVENTS = 500;

    record Note(int n, String text) {
    }

    /** Keeps every note it is handed. */
    static class Collector {

        final Map<Integer, Note> seen = new ConcurrentHashMap<>();

        @BackboneListener(topics = "${test.topic}", group = "${test.topic}")
        void on(Note note) {
            seen.put(note.n(), note);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void compressedBatchesAreStoredCompressedAndRoundTripThroughAListener(String codec, EmbeddedBroker broker) {
        String topic = "compressed-" + codec;
        broker.createTopic(topic, 2, Map.of());
        StarterContexts.runner(broker.url())
                .withPropertyValues("test.topic=" + topic, "backbone.producer.compression=" + codec)
                .withBean(Collector.class)
                .run(context -> {
                    BackbonePublisher publisher = context.getBean(BackbonePublisher.class);
                    List<CompletableFuture<PublishResult>> futures = new ArrayList<>();
                    for (int i = 0; i < EVENTS; i++) {
                        futures.add(publisher.publish(topic, "k" + (i % 7), new Note(i, text(i))));
                    }
                    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                    Collector collector = context.getBean(Collector.class);
                    Deadline.await(Duration.ofSeconds(30), EVENTS + " notes handled",
                            () -> collector.seen.size() == EVENTS);
                    assertThat(collector.seen.get(42)).isEqualTo(new Note(42, text(42)));
                    Set<Integer> codecs = new HashSet<>(storedCodecIds(broker, topic, 0));
                    codecs.addAll(storedCodecIds(broker, topic, 1));
                    assertThat(codecs).containsExactly(codecId(codec));
                });
    }

    /** Text that compresses well, as most JSON does. */
    private static String text(int n) {
        return "note " + n + " ".repeat(64);
    }

    private static int codecId(String codec) {
        return CompressionCodec.forName(codec).id();
    }

    /** The compression codec id of every batch of the partition, as the broker stored and serves it. */
    private static List<Integer> storedCodecIds(EmbeddedBroker broker, String topic, int partition)
            throws Exception {
        List<Integer> ids = StoredBatches.headers(broker, topic, partition).stream()
                .map(RecordBatchHeader::compressionCodec).toList();
        assertThat(ids).isNotEmpty();
        return ids;
    }
}
