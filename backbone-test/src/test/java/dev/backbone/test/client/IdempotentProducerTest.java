package dev.backbone.test.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.BackboneClientSettings;
import dev.backbone.client.http.ConsumedRecord;
import dev.backbone.client.http.FetchOptions;
import dev.backbone.client.http.FetchResult;
import dev.backbone.client.http.Flush;
import dev.backbone.client.http.IdempotentProducer;
import dev.backbone.client.http.OutOfOrderSequenceException;
import dev.backbone.client.http.ProduceOptions;
import dev.backbone.client.http.ProduceResult;
import dev.backbone.client.http.ProducerFencedException;
import dev.backbone.client.http.ProducerRecord;
import dev.backbone.client.http.RetrySettings;
import dev.backbone.test.EmbeddedBackbone;
import dev.backbone.test.EmbeddedBroker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

@EmbeddedBackbone(topics = {"idem-a", "idem-b", "idem-c"}, partitions = 4)
class IdempotentProducerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final EmbeddedBroker broker;

    IdempotentProducerTest(EmbeddedBroker broker) {
        this.broker = broker;
    }

    /**
     * Many concurrent sends over four partitions while the proxy drops some answers: every record is stored exactly
     * once, each partition holds the sends in the order they were made, and every answer names its own records.
     */
    @Test
    void concurrentSendsAcrossPartitionsAreStoredExactlyOnceAndInOrder() throws Exception {
        long seed = System.nanoTime();
        System.out.println("IdempotentProducerTest seed " + seed);
        Random random = new Random(seed);
        int sends = 240;
        List<Integer> partitions = new ArrayList<>();
        List<List<ProducerRecord>> batches = new ArrayList<>();
        for (int i = 0; i < sends; i++) {
            partitions.add(random.nextInt(4));
            List<ProducerRecord> batch = new ArrayList<>();
            for (int r = 0, n = 1 + random.nextInt(5); r < n; r++) {
                batch.add(ProducerRecord.of(null, (i + "/" + r).getBytes(StandardCharsets.UTF_8)));
            }
            batches.add(batch);
        }
        try (CuttingProxy proxy = new CuttingProxy(broker.port());
             BackboneClient client = new BackboneClient(BackboneClientSettings.builder(proxy.url())
                     .retry(new RetrySettings(6, Duration.ofMillis(10), Duration.ofMillis(200), 2)).build())) {
            IdempotentProducer producer = client.idempotentProducer();
            proxy.cutNextAnswers(8);
            List<ProduceResult> results = Flux.range(0, sends)
                    .flatMapSequential(i -> producer.send("idem-a", partitions.get(i), batches.get(i),
                            i % 7 == 0 ? Flush.SYNC : null), 32)
                    .collectList().block(WAIT);
            assertThat(proxy.answersCut()).as("seed %d", seed).isEqualTo(8);

            Map<Integer, List<String>> expected = new HashMap<>();
            for (int i = 0; i < sends; i++) {
                List<String> values = expected.computeIfAbsent(partitions.get(i), p -> new ArrayList<>());
                batches.get(i).forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
                assertThat(results.get(i).partition()).isEqualTo(partitions.get(i));
                assertThat(results.get(i).recordCount()).isEqualTo(batches.get(i).size());
            }
            for (int p = 0; p < 4; p++) {
                List<ConsumedRecord> stored = readAll(client, "idem-a", p);
                List<String> values = stored.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8))
                        .toList();
                assertThat(values).as("partition %d, seed %d", p, seed)
                        .containsExactlyElementsOf(expected.getOrDefault(p, List.of()));
            }
            Set<Long> firstOffsets = new HashSet<>();
            for (int i = 0; i < sends; i++) {
                assertThat(firstOffsets.add(partitions.get(i) * 1_000_000L + results.get(i).firstOffset()))
                        .as("send %d has an offset of its own, seed %d", i, seed).isTrue();
            }
        }
    }

    @Test
    void aBatchThatBreaksTheSequenceIsRefusedWithTheExpectedSequence() {
        try (BackboneClient client = BackboneClient.create(broker.url())) {
            client.produce("idem-b", 0, idempotent(77, (short) 0, 0, 2), ProduceOptions.DEFAULT).block(WAIT);
            assertThatThrownBy(() -> client.produce("idem-b", 0, idempotent(77, (short) 0, 5, 1),
                    ProduceOptions.DEFAULT).block(WAIT))
                    .isInstanceOfSatisfying(OutOfOrderSequenceException.class, e -> {
                        assertThat(e.producerId()).isEqualTo(77);
                        assertThat(e.expectedSequence()).isEqualTo(2);
                        assertThat(e.sequence()).isEqualTo(5);
                    });
            client.produce("idem-b", 0, idempotent(77, (short) 1, 0, 1), ProduceOptions.DEFAULT).block(WAIT);
            assertThatThrownBy(() -> client.produce("idem-b", 0, idempotent(77, (short) 0, 2, 1),
                    ProduceOptions.DEFAULT).block(WAIT))
                    .isInstanceOfSatisfying(ProducerFencedException.class, e -> {
                        assertThat(e.producerEpoch()).isZero();
                        assertThat(e.currentEpoch()).isEqualTo(1);
                    });
        }
    }

    @Test
    void aSendThatFailsForGoodDoesNotBlockThePartition() {
        try (BackboneClient client = new BackboneClient(BackboneClientSettings.builder(broker.url())
                .retry(RetrySettings.NONE).build())) {
            IdempotentProducer producer = client.idempotentProducer();
            producer.send("idem-c", 0, List.of(ProducerRecord.of(null, "1".getBytes(StandardCharsets.UTF_8))), null)
                    .block(WAIT);
            byte[] tooLarge = new byte[9 * 1024 * 1024];
            assertThatThrownBy(() -> producer.send("idem-c", 0, List.of(ProducerRecord.of(null, tooLarge)), null)
                    .block(WAIT)).isInstanceOf(dev.backbone.client.http.BackboneProblemException.class);
            ProduceResult after = producer.send("idem-c", 0, List.of(ProducerRecord.of(null,
                    "2".getBytes(StandardCharsets.UTF_8))), null).block(WAIT);
            assertThat(after.firstOffset()).isEqualTo(1);
            assertThat(after.replayed()).isFalse();
        }
    }

    private static List<ConsumedRecord> readAll(BackboneClient client, String topic, int partition) {
        List<ConsumedRecord> all = new ArrayList<>();
        long offset = 0;
        long end = client.offsets(topic, partition).block(WAIT).endOffset();
        while (offset < end) {
            FetchResult page = client.fetch(topic, partition, offset, FetchOptions.DEFAULT).block(WAIT);
            all.addAll(page.records());
            offset = page.nextOffset();
        }
        return all;
    }

    private static ByteBuffer idempotent(long producerId, short epoch, int sequence, int records) {
        RecordBatchBuilder builder = new RecordBatchBuilder().producer(producerId, epoch, sequence);
        for (int i = 0; i < records; i++) {
            builder.add(1L, null, new byte[] {(byte) i});
        }
        return builder.build();
    }

}
