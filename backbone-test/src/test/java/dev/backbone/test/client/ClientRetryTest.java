package dev.backbone.test.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.BackboneClientSettings;
import dev.backbone.client.http.BackboneUnavailableException;
import dev.backbone.client.http.ConcurrencyConflictException;
import dev.backbone.client.http.ExpectedVersion;
import dev.backbone.client.http.FetchOptions;
import dev.backbone.client.http.IdempotentProducer;
import dev.backbone.client.http.KeyedEvent;
import dev.backbone.client.http.ProduceOptions;
import dev.backbone.client.http.ProduceResult;
import dev.backbone.client.http.ProducerRecord;
import dev.backbone.client.http.RetrySettings;
import dev.backbone.test.EmbeddedBackbone;
import dev.backbone.test.EmbeddedBroker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/** Retries, timeouts and credentials, through a proxy that drops connections and swallows requests. */
@EmbeddedBackbone(topics = {"retry-a", "retry-b", "retry-c", "retry-d"})
class ClientRetryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final RetrySettings QUICK = new RetrySettings(4, Duration.ofMillis(20), Duration.ofMillis(100), 2);

    private final EmbeddedBroker broker;
    private CuttingProxy proxy;
    private BackboneClient direct;

    ClientRetryTest(EmbeddedBroker broker) {
        this.broker = broker;
    }

    @BeforeEach
    void startProxy() throws IOException {
        proxy = new CuttingProxy(broker.port());
        direct = BackboneClient.create(broker.url());
    }

    @AfterEach
    void stopProxy() throws IOException {
        direct.close();
        proxy.close();
    }

    @Test
    void aBatchRetriedAfterADroppedConnectionIsStoredOnce() {
        try (BackboneClient client = viaProxy(b -> b)) {
            IdempotentProducer producer = client.idempotentProducer();
            proxy.cutNextAnswers(1);
            ProduceResult first = producer.send("retry-a", 0, records("a", 3), null).block(WAIT);
            assertThat(proxy.answersCut()).isEqualTo(1);
            assertThat(first.replayed()).as("the retry found the first attempt stored").isTrue();
            assertThat(first.firstOffset()).isZero();
            assertThat(first.lastOffset()).isEqualTo(2);

            ProduceResult second = producer.send("retry-a", 0, records("b", 2), null).block(WAIT);
            assertThat(second.replayed()).isFalse();
            assertThat(second.firstOffset()).isEqualTo(3);
        }
        assertThat(direct.offsets("retry-a", 0).block(WAIT).endOffset()).isEqualTo(5);
        assertThat(direct.fetch("retry-a", 0, 0, FetchOptions.DEFAULT).block(WAIT).records()).hasSize(5);
    }

    @Test
    void theIdempotentProducerRidesOutABrokerRestart(@TempDir Path dir) throws Exception {
        EmbeddedBroker first = EmbeddedBroker.builder().dataDir(dir).start();
        try (CuttingProxy restartable = new CuttingProxy(first.port());
             BackboneClient client = new BackboneClient(BackboneClientSettings.builder(restartable.url())
                     .retry(new RetrySettings(400, Duration.ofMillis(50), Duration.ofMillis(500), 2)).build())) {
            client.createTopic("restart-a", 1, Map.of()).block(WAIT);
            IdempotentProducer producer = client.idempotentProducer();
            producer.send("restart-a", 0, records("before", 2), null).block(WAIT);
            first.close();
            assertThat(dir.resolve("restart-a-0")).as("a given data directory outlives its broker").isDirectory();
            Mono<ProduceResult> during = producer.send("restart-a", 0, records("during", 3), null).cache();
            during.subscribe(r -> { }, e -> { });
            try (EmbeddedBroker second = EmbeddedBroker.builder().dataDir(dir).start()) {
                restartable.upstreamPort(second.port());
                ProduceResult result = during.block(WAIT);
                assertThat(result.firstOffset()).isEqualTo(2);
                assertThat(producer.send("restart-a", 0, records("after", 1), null).block(WAIT).firstOffset())
                        .as("the sequence continues on the restarted broker").isEqualTo(5);
                assertThat(client.offsets("restart-a", 0).block(WAIT).endOffset()).isEqualTo(6);
            }
        }
    }

    @Test
    void aProduceWithAnIdempotencyKeyIsRetriedAndStoredOnce() {
        try (BackboneClient client = viaProxy(b -> b)) {
            proxy.cutNextAnswers(1);
            ProduceResult result = client.produce("retry-b", 0, ClientProduceFetchTest.batch(0, 4),
                    new ProduceOptions(null, "retry-b-1")).block(WAIT);
            assertThat(result.replayed()).isTrue();
            assertThat(result.recordCount()).isEqualTo(4);
        }
        assertThat(direct.offsets("retry-b", 0).block(WAIT).endOffset()).isEqualTo(4);
    }

    @Test
    void aProduceTheBrokerCannotRecogniseIsNotRetried() {
        try (BackboneClient client = viaProxy(b -> b)) {
            proxy.cutNextAnswers(1);
            assertThatThrownBy(() -> client.produce("retry-c", 0, ClientProduceFetchTest.batch(0, 2),
                    ProduceOptions.DEFAULT).block(WAIT))
                    .isInstanceOfSatisfying(BackboneUnavailableException.class, e -> {
                        assertThat(e.attempts()).isEqualTo(1);
                        assertThat(e.request()).isEqualTo("POST /v1/topics/retry-c/partitions/0/records");
                    });
        }
        assertThat(direct.offsets("retry-c", 0).block(WAIT).endOffset()).as("stored once, not twice").isEqualTo(2);
    }

    @Test
    void aKeyAppendWithAnExpectedVersionIsRetriedIntoAConflictNotADuplicate() {
        try (BackboneClient client = viaProxy(b -> b)) {
            proxy.cutNextAnswers(1);
            assertThatThrownBy(() -> client.appendToKey("retry-d", "k", ExpectedVersion.NO_STREAM,
                    List.of(KeyedEvent.of("{\"n\":1}".getBytes(StandardCharsets.UTF_8)))).block(WAIT))
                    .isInstanceOfSatisfying(ConcurrencyConflictException.class,
                            e -> assertThat(e.currentVersion()).isZero());
        }
        assertThat(direct.readKey("retry-d", "k", 0, 10).block(WAIT).events()).hasSize(1);
    }

    @Test
    void aSwallowedRequestTimesOutAndIsRetried() {
        try (BackboneClient client = viaProxy(b -> b.responseTimeout(Duration.ofMillis(300)))) {
            proxy.swallowNextRequests(1);
            assertThat(client.describeTopic("retry-a").block(WAIT).name()).isEqualTo("retry-a");
        }
        // A new client: the proxy swallows new connections, and the first client keeps a healthy one open.
        try (BackboneClient client = viaProxy(b -> b.responseTimeout(Duration.ofMillis(300)))) {
            proxy.swallowNextRequests(QUICK.maxAttempts());
            assertThatThrownBy(() -> client.describeTopic("retry-a").block(WAIT))
                    .isInstanceOfSatisfying(BackboneUnavailableException.class, e -> {
                        assertThat(e.attempts()).isEqualTo(QUICK.maxAttempts());
                        assertThat(e.getCause().getClass().getSimpleName()).contains("Timeout");
                    });
        }
    }

    @Test
    void aBrokerThatIsNotThereIsUnavailableAfterTheRetries() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (BackboneClient client = new BackboneClient(BackboneClientSettings.builder("http://127.0.0.1:"
                + closedPort).retry(QUICK).build())) {
            assertThatThrownBy(() -> client.describeTopic("retry-a").block(WAIT))
                    .isInstanceOfSatisfying(BackboneUnavailableException.class,
                            e -> assertThat(e.attempts()).isEqualTo(QUICK.maxAttempts()));
            assertThatThrownBy(() -> client.health().block(WAIT))
                    .isInstanceOfSatisfying(BackboneUnavailableException.class,
                            e -> assertThat(e.attempts()).as("health is never retried").isEqualTo(1));
        }
    }

    @Test
    void credentialsAreAskedForOnEveryRequest() {
        AtomicInteger asked = new AtomicInteger();
        try (BackboneClient client = viaProxy(b -> b.credentials(() -> "token-" + asked.incrementAndGet())
                .userAgent("retry-test/1"))) {
            client.describeTopic("retry-a").block(WAIT);
            client.describeTopic("retry-a").block(WAIT);
        }
        String sent = proxy.sentText().toLowerCase(Locale.ROOT);
        assertThat(sent).contains("authorization: bearer token-1\r\n").contains("authorization: bearer token-2\r\n")
                .contains("user-agent: retry-test/1\r\n");
        try (BackboneClient anonymous = viaProxy(b -> b)) {
            int before = proxy.sentText().length();
            anonymous.describeTopic("retry-a").block(WAIT);
            assertThat(proxy.sentText().substring(before).toLowerCase(Locale.ROOT))
                    .doesNotContain("authorization");
        }
    }

    private BackboneClient viaProxy(UnaryOperator<BackboneClientSettings.Builder> settings) {
        return new BackboneClient(settings.apply(BackboneClientSettings.builder(proxy.url()).retry(QUICK)).build());
    }

    private static List<ProducerRecord> records(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> ProducerRecord.of(null,
                (prefix + i).getBytes(StandardCharsets.UTF_8))).toList();
    }
}
