package dev.backbone.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.server.BackboneServerApplication;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Each mode of the load generator, briefly, against a real broker on a random loopback port. */
class LoadGeneratorIntegrationTest {

    @TempDir
    static Path dataDir;

    private static ConfigurableApplicationContext broker;
    private static String url;

    @BeforeAll
    static void startBroker() {
        // Arguments, not default properties: those rank below application.yml and would be ignored. This module's
        // class path also carries the Spring starter (for its load run); its auto-configuration is for services,
        // not for the broker, so it is left out here.
        broker = new SpringApplicationBuilder(BackboneServerApplication.class)
                .run("--server.port=0", "--server.address=127.0.0.1", "--backbone.data-dir=" + dataDir,
                        "--spring.main.banner-mode=off", "--spring.autoconfigure.exclude="
                                + "dev.backbone.spring.autoconfigure.BackboneAutoConfiguration,"
                                + "dev.backbone.spring.autoconfigure.BackboneListenerAutoConfiguration,"
                                + "dev.backbone.spring.autoconfigure.BackboneAuditAutoConfiguration,"
                                + "dev.backbone.spring.autoconfigure.BackboneHealthAutoConfiguration");
        url = "http://127.0.0.1:" + broker.getEnvironment().getRequiredProperty("local.server.port");
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void binaryProduceIsConsumedByteForByteInBinaryAndCompletelyInJson() throws Exception {
        ProduceRun.Result produced = (ProduceRun.Result) run("produce", "--broker=" + url, "--topic=lg-binary",
                "--format=binary", "--records=5000", "--batch-size=500", "--record-size=256", "--concurrency=2",
                "--partitions=2");

        assertThat(produced.throughput().records()).isEqualTo(5000);
        assertThat(produced.throughput().requests()).isEqualTo(10);
        assertThat(produced.latency().count()).isEqualTo(10);

        // At 50 requests/s the tenth request is due 180 ms after the first: the run cannot end sooner.
        ProduceRun.Result paced = (ProduceRun.Result) run("produce", "--broker=" + url, "--topic=lg-binary-paced",
                "--format=binary", "--records=1000", "--batch-size=100", "--record-size=100", "--concurrency=4",
                "--partitions=1", "--rate=50");
        assertThat(paced.throughput().requests()).isEqualTo(10);
        assertThat(paced.latency().count()).isEqualTo(10);
        assertThat(paced.throughput().seconds()).isGreaterThanOrEqualTo(0.18);

        ProduceRun.Result viaJdk = (ProduceRun.Result) run("produce", "--broker=" + url, "--topic=lg-binary-jdk",
                "--format=binary", "--records=1200", "--batch-size=500", "--record-size=100", "--concurrency=2",
                "--partitions=1", "--client=jdk");
        assertThat(viaJdk.throughput().requests()).isEqualTo(3);
        ThroughputReport jdkTopic = (ThroughputReport) run("consume", "--broker=" + url, "--topic=lg-binary-jdk");
        assertThat(jdkTopic.records()).isEqualTo(1200);
        assertThat(jdkTopic.payloadBytes()).isEqualTo(viaJdk.throughput().payloadBytes());

        ThroughputReport binary = (ThroughputReport) run("consume", "--broker=" + url, "--topic=lg-binary",
                "--format=binary", "--partitions=2", "--max-bytes=64KiB", "--duration=60s");
        // The broker stores a client's batches as they came, so the same bytes come back.
        assertThat(binary.records()).isEqualTo(5000);
        assertThat(binary.payloadBytes()).isEqualTo(produced.throughput().payloadBytes());
        assertThat(binary.requests()).isGreaterThanOrEqualTo(10);

        ThroughputReport jdk = (ThroughputReport) run("consume", "--broker=" + url, "--topic=lg-binary",
                "--format=binary", "--partitions=2", "--max-bytes=64KiB", "--client=jdk");
        assertThat(jdk.records()).isEqualTo(5000);
        assertThat(jdk.payloadBytes()).isEqualTo(produced.throughput().payloadBytes());

        ThroughputReport json = (ThroughputReport) run("consume", "--broker=" + url, "--topic=lg-binary",
                "--format=json", "--partitions=2", "--max-bytes=64KiB");
        assertThat(json.records()).isEqualTo(5000);
        assertThat(json.payloadBytes()).isGreaterThan(5000L * 256);
    }

    @Test
    void jsonProduceStoresEveryRecordWithEitherClient() throws Exception {
        ProduceRun.Result produced = (ProduceRun.Result) run("produce", "--broker=" + url, "--topic=lg-json",
                "--format=json", "--records=350", "--batch-size=100", "--record-size=200", "--concurrency=3",
                "--partitions=1");
        assertThat(produced.throughput().records()).isEqualTo(350);
        assertThat(produced.throughput().requests()).isEqualTo(4);
        ProduceRun.Result viaJdk = (ProduceRun.Result) run("produce", "--broker=" + url, "--topic=lg-json",
                "--format=json", "--records=150", "--batch-size=100", "--record-size=200", "--client=jdk");
        assertThat(viaJdk.throughput().requests()).isEqualTo(2);

        ThroughputReport consumed = (ThroughputReport) run("consume", "--broker=" + url, "--topic=lg-json",
                "--format=binary", "--partitions=1");
        assertThat(consumed.records()).isEqualTo(500);
        ThroughputReport asJson = (ThroughputReport) run("consume", "--broker=" + url, "--topic=lg-json",
                "--format=json", "--partitions=1", "--max-bytes=16KiB");
        assertThat(asJson.records()).isEqualTo(500);
        assertThat(asJson.requests()).isGreaterThan(1);
    }

    @Test
    void compressedProduceStoresFewerBytesAndReadsBackEveryRecord() throws Exception {
        ProduceRun.Result zstd = (ProduceRun.Result) run("produce", "--broker=" + url, "--topic=lg-zstd",
                "--format=binary", "--records=2000", "--batch-size=500", "--record-size=1024", "--partitions=1",
                "--compression=zstd", "--values=json-like");
        assertThat(zstd.throughput().payloadBytes()).isLessThan(2000L * 1024 / 2);
        ThroughputReport binary = (ThroughputReport) run("consume", "--broker=" + url, "--topic=lg-zstd");
        assertThat(binary.records()).isEqualTo(2000);
        assertThat(binary.payloadBytes()).isEqualTo(zstd.throughput().payloadBytes());
        ThroughputReport json = (ThroughputReport) run("consume", "--broker=" + url, "--topic=lg-zstd",
                "--format=json");
        assertThat(json.records()).isEqualTo(2000);
        assertThat(json.payloadBytes()).isGreaterThan(2000L * 1024);

        run("produce", "--broker=" + url, "--topic=lg-json-lz4", "--format=json", "--records=300",
                "--batch-size=100", "--record-size=512", "--partitions=1", "--compression=lz4", "--values=json-like");
        ThroughputReport stored = (ThroughputReport) run("consume", "--broker=" + url, "--topic=lg-json-lz4");
        assertThat(stored.records()).isEqualTo(300);
        assertThat(stored.payloadBytes()).isLessThan(300L * 512 / 2);
    }

    @Test
    void rawClientReportsTheBrokersProblem() throws Exception {
        try (RawHttpConnection fetcher = new RawHttpConnection(java.net.URI.create(url))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> fetcher.fetch("lg-none", 0, "0", 1024, 0))
                    .isInstanceOf(BrokerException.class).hasMessageContaining("404");
        }
    }

    @Test
    void endToEndMeasuresEveryRecordItSentWithEitherClient() throws Exception {
        for (String client : List.of("raw", "jdk")) {
            EndToEndRun.Result result = (EndToEndRun.Result) run("e2e", "--broker=" + url, "--topic=lg-e2e-" + client,
                    "--rate=200", "--duration=1s", "--warmup=0s", "--record-size=128", "--client=" + client);

            assertThat(result.sent()).as(client).isEqualTo(200);
            assertThat(result.received()).as(client).isEqualTo(result.sent());
            assertThat(result.endToEnd().count()).as(client).isEqualTo(result.sent());
            assertThat(result.endToEnd().p50Micros()).as(client).isPositive();
            assertThat(result.produceAck().count()).as(client).isEqualTo(result.sent());
        }
        EndToEndRun.Result json = (EndToEndRun.Result) run("e2e", "--broker=" + url, "--topic=lg-e2e-json",
                "--format=json", "--rate=100", "--duration=1s", "--warmup=0s", "--record-size=128");
        assertThat(json.received()).isEqualTo(100);
    }

    @Test
    void aShortSoakReadsBackEveryAcknowledgedRecordAndReportsEachInterval() throws Exception {
        SoakRun.Result soak = (SoakRun.Result) run("soak", "--broker=" + url, "--topic=lg-soak", "--duration=6s",
                "--interval=2s", "--partitions=2", "--producers=2", "--rate=200", "--retention=3s",
                "--segment-bytes=8KiB");

        assertThat(soak.acknowledged()).isPositive();
        assertThat(soak.lost()).isZero();
        assertThat(soak.consumed()).isEqualTo(soak.acknowledged());
        assertThat(soak.groupCycles()).isPositive();
        assertThat(soak.intervals()).hasSize(3);
    }

    private static Object run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            Object result = LoadGenerator.run(List.of(args), print);
            System.out.print(out.toString(StandardCharsets.UTF_8));
            return result;
        }
    }
}
