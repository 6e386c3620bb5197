package dev.backbone.test.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backbone.client.batch.Header;
import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.ConsumedRecord;
import dev.backbone.client.http.FetchOptions;
import dev.backbone.client.http.FetchResult;
import dev.backbone.client.http.Flush;
import dev.backbone.client.http.IdempotencyKeyReusedException;
import dev.backbone.client.http.OffsetOutOfRangeException;
import dev.backbone.client.http.PartitionOffsets;
import dev.backbone.client.http.ProduceOptions;
import dev.backbone.client.http.ProduceResult;
import dev.backbone.client.http.UnknownTopicException;
import dev.backbone.test.EmbeddedBackbone;
import dev.backbone.test.EmbeddedBroker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

@EmbeddedBackbone(topics = {"produce-a", "produce-b", "produce-c", "produce-d"}, partitions = 2)
class ClientProduceFetchTest {

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
    void producesBatchesAndFetchesTheRecordsBack() {
        ByteBuffer first = batch(0, 3);
        ByteBuffer second = batch(3, 2);
        ByteBuffer both = RecordBatchBuilder.concat(List.of(first, second));
        ProduceResult result = client.produce("produce-a", 1, both, ProduceOptions.flush(Flush.SYNC)).block(WAIT);
        assertThat(result).isEqualTo(new ProduceResult(1, List.of(0L, 3L), 0, 4, 5, false));
        assertThat(both.position()).as("the caller's buffer is untouched").isZero();

        FetchResult all = client.fetch("produce-a", 1, 0, FetchOptions.DEFAULT).block(WAIT);
        assertThat(all.records()).hasSize(5);
        assertThat(all.nextOffset()).isEqualTo(5);
        assertThat(all.startOffset()).isZero();
        assertThat(all.endOffset()).isEqualTo(5);
        ConsumedRecord r4 = all.records().get(4);
        assertThat(r4.offset()).isEqualTo(4);
        assertThat(r4.key()).isEqualTo("k4".getBytes(StandardCharsets.UTF_8));
        assertThat(r4.value()).isEqualTo("{\"n\":4}".getBytes(StandardCharsets.UTF_8));
        assertThat(r4.header("trace")).isEqualTo("t4");
        assertThat(r4.timestamp()).isEqualTo(1_767_225_600_004L);

        FetchResult fromMiddle = client.fetch("produce-a", 1, 1, FetchOptions.DEFAULT).block(WAIT);
        assertThat(fromMiddle.records()).extracting(ConsumedRecord::offset).containsExactly(1L, 2L, 3L, 4L);
        assertThat(client.offsets("produce-a", 1).block(WAIT)).isEqualTo(new PartitionOffsets(1, 0, 5));
    }

    @Test
    void aLongPollIsAnsweredByTheNextRecord() {
        Mono<FetchResult> poll = client.fetch("produce-b", 0, 0, FetchOptions.longPoll(Duration.ofSeconds(20)));
        FetchResult answered = Mono.zip(poll, Mono.delay(Duration.ofMillis(300))
                        .then(client.produce("produce-b", 0, batch(0, 1), ProduceOptions.DEFAULT)))
                .block(WAIT).getT1();
        assertThat(answered.records()).hasSize(1);
        FetchResult empty = client.fetch("produce-b", 0, 1, FetchOptions.longPoll(Duration.ofMillis(100)))
                .block(WAIT);
        assertThat(empty.records()).isEmpty();
        assertThat(empty.nextOffset()).isEqualTo(1);
    }

    @Test
    void anOffsetOutsideTheLogCarriesTheBounds() {
        client.produce("produce-c", 0, batch(0, 2), ProduceOptions.DEFAULT).block(WAIT);
        assertThatThrownBy(() -> client.fetch("produce-c", 0, 9, FetchOptions.DEFAULT).block(WAIT))
                .isInstanceOfSatisfying(OffsetOutOfRangeException.class, e -> {
                    assertThat(e.startOffset()).isZero();
                    assertThat(e.endOffset()).isEqualTo(2);
                    assertThat(e.status()).isEqualTo(416);
                });
        assertThatThrownBy(() -> client.fetch("produce-none", 0, 0, FetchOptions.DEFAULT).block(WAIT))
                .isInstanceOf(UnknownTopicException.class);
    }

    @Test
    void anIdempotencyKeyMakesARepeatAReplay() {
        ProduceOptions keyed = new ProduceOptions(null, "key-d-1");
        ProduceResult first = client.produce("produce-d", 0, batch(0, 2), keyed).block(WAIT);
        ProduceResult again = client.produce("produce-d", 0, batch(0, 2), keyed).block(WAIT);
        assertThat(first.replayed()).isFalse();
        assertThat(again.replayed()).isTrue();
        assertThat(again.baseOffsets()).isEqualTo(first.baseOffsets());
        assertThat(client.offsets("produce-d", 0).block(WAIT).endOffset()).isEqualTo(2);
        assertThatThrownBy(() -> client.produce("produce-d", 0, batch(5, 1), keyed).block(WAIT))
                .isInstanceOfSatisfying(IdempotencyKeyReusedException.class,
                        e -> assertThat(e.idempotencyKey()).isEqualTo("key-d-1"));
    }

    /** {@code count} records numbered from {@code from}: key "k<n>", value {"n":n}, header trace=t<n>. */
    static ByteBuffer batch(int from, int count) {
        RecordBatchBuilder builder = new RecordBatchBuilder();
        for (int n = from; n < from + count; n++) {
            builder.add(1_767_225_600_000L + n, ("k" + n).getBytes(StandardCharsets.UTF_8),
                    ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8),
                    List.of(new Header("trace", ("t" + n).getBytes(StandardCharsets.UTF_8))));
        }
        return builder.build();
    }
}
