package dev.backbone.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.checks.support.FreePorts;
import dev.backbone.deploy.support.ChartBroker;
import dev.backbone.deploy.support.ChartContainer;
import dev.backbone.deploy.support.Http;
import dev.backbone.deploy.support.ImageReplay;
import dev.backbone.deploy.support.Project;
import dev.backbone.deploy.support.RenderedChart;
import dev.backbone.deploy.support.SelfSignedCertificate;
import dev.backbone.deploy.support.SharedChartBroker;
import io.fabric8.kubernetes.api.model.Container;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real broker, started from the image's entrypoint (replayed from its Dockerfile) with the env, args and
 * volumes the rendered StatefulSet gives its container, answers 200 on every probe path and on the scrape path the
 * chart names, and the image's HEALTHCHECK command passes against it.
 */
@ExtendWith(SharedChartBroker.class)
class ChartBrokerTest {

    @Test
    void defaultChartBrokerAnswersItsProbesScrapePathAndImageHealthcheck(ChartBroker broker) throws Exception {
        ChartContainer container = broker.container();
        assertProbesAnswer(broker);

        Map<String, String> annotations = ChartContainer.statefulSet(broker.chart()).getSpec().getTemplate()
                .getMetadata().getAnnotations();
        assertThat(annotations.get("prometheus.io/port")).isEqualTo("8080");
        var metrics = Http.get(container.url("http", annotations.get("prometheus.io/path")));
        assertThat(metrics.statusCode()).as(broker.process().tail()).isEqualTo(200);
        assertThat(metrics.body()).contains("backbone_log_fsync_seconds_count");

        assertThat(Files.isDirectory(container.mount("/var/lib/backbone").resolve("data")))
                .as("the data directory is on the claim's volume").isTrue();
        assertThat(runHealthcheck(broker.image(), container.port("http"))).as("HEALTHCHECK exit code").isZero();
        assertThat(runHealthcheck(broker.image(), FreePorts.next())).as("HEALTHCHECK with nothing listening")
                .isNotZero();
    }

    /**
     * The variant with operator-managed Secrets (API keys, and TLS with a certificate made here), a separate
     * management port and a topic default in {@code config}: the probes move to the management port and speak
     * HTTPS, and the default reaches the broker. Security is set to none here: what an enforced broker accepts is
     * the security module's to test.
     */
    @Test
    void variantBrokerServesHttpsProbesOnTheManagementPortAndTakesConfigFromValues(@TempDir Path dir)
            throws Exception {
        Path values = Files.writeString(dir.resolve("values.yaml"),
                Files.readString(Project.chart().resolve("ci/existing-secret-values.yaml"))
                        .replace("mode: enforce", "mode: none"));
        RenderedChart chart = RenderedChart.renderWith(values);
        SelfSignedCertificate certificate = SelfSignedCertificate.generate();
        SSLContext tls = certificate.trustingContext();
        ChartContainer container = new ChartContainer(chart, dir.resolve("pod"))
                .withExistingSecret("backbone-bootstrap-keys", Map.of("keys.yaml", "backbone: {}\n"))
                .withExistingSecret("backbone-tls", Map.of("tls.crt", certificate.certificatePem(),
                        "tls.key", certificate.privateKeyPem()));
        try (ChartBroker broker = ChartBroker.start(chart, container, tls)) {
            assertProbesAnswer(broker);
            var readiness = container.container().getReadinessProbe().getHttpGet();
            assertThat(readiness.getPort().getStrVal()).isEqualTo("management");
            assertThat(readiness.getScheme()).isEqualTo("HTTPS");
            assertThat(broker.get(container.url("https", "management", "/actuator/prometheus")).statusCode())
                    .isEqualTo(200);
            assertThat(broker.get(container.url("https", "http", "/actuator/health/readiness")).statusCode())
                    .as("actuator is on the management port only").isEqualTo(404);

            var created = Http.postJson(broker.baseUrl() + "/v1/topics", "{\"name\": \"orders\"}", tls);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(broker.get(broker.baseUrl() + "/v1/topics").body())
                    .as("backbone.topics.default-partitions from the chart's config")
                    .containsPattern("\"name\":\"orders\",\"partitions\":2\\b");
        }
    }

    /**
     * The chart with security enforced, one bootstrap key in the Secret the chart makes, and that key's principal a
     * super-user: the probes and the scrape path answer without credentials, {@code /v1} refuses a caller without a
     * key or with an unknown one, and the bootstrap key (whose hash alone went into the chart) creates a topic.
     */
    @Test
    void enforcedChartBrokerTakesItsBootstrapKeyAndRefusesEveryoneElse(@TempDir Path dir) throws Exception {
        String key = newApiKey();
        Path values = Files.writeString(dir.resolve("values.yaml"), String.join("\n",
                "auth:",
                "  mode: enforce",
                "  apiKeys:",
                "    - principal: admin",
                "      hash: \"sha256:" + sha256Hex(key) + "\"",
                "  superUsers: [admin]",
                "persistence:",
                "  enabled: false",
                ""));
        RenderedChart chart = RenderedChart.renderWith(values);
        try (ChartBroker broker = ChartBroker.start(chart, new ChartContainer(chart, dir.resolve("pod")))) {
            assertProbesAnswer(broker);
            assertThat(broker.get(broker.container().url("http", "/actuator/prometheus")).statusCode())
                    .as("the scrape path needs no credentials").isEqualTo(200);
            String topics = broker.baseUrl() + "/v1/topics";
            assertThat(Http.get(topics).statusCode()).as("no key").isEqualTo(401);
            assertThat(Http.getAuthorized(topics, newApiKey()).statusCode()).as("an unknown key").isEqualTo(401);
            var created = Http.postJsonAuthorized(topics, "{\"name\": \"orders\"}", key);
            assertThat(created.statusCode()).as(created.body() + broker.process().tail()).isEqualTo(201);
            assertThat(Http.getAuthorized(topics, key).body()).contains("\"name\":\"orders\"");
        }
    }

    private static String newApiKey() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return "bb_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    private static String sha256Hex(String text) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.US_ASCII)));
    }

    private static void assertProbesAnswer(ChartBroker broker) {
        Container spec = broker.container().container();
        for (var probe : List.of(spec.getStartupProbe(), spec.getLivenessProbe(), spec.getReadinessProbe())) {
            var answer = broker.get(broker.container().url(probe.getHttpGet()));
            assertThat(answer.statusCode()).as("%s: %s%n%s", probe.getHttpGet().getPath(), answer.body(),
                    broker.process().tail()).isEqualTo(200);
        }
    }

    private static int runHealthcheck(ImageReplay image, int port) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(image.healthcheck());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        Process process = builder.start();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("HEALTHCHECK did not finish: " + command);
        }
        return process.exitValue();
    }
}
