package dev.backbone.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.checks.support.Deadline;
import dev.backbone.deploy.support.BootApp;
import dev.backbone.deploy.support.ComposeFile;
import dev.backbone.deploy.support.Http;
import dev.backbone.deploy.support.LocalPrometheus;
import dev.backbone.deploy.support.MonitoringFiles;
import dev.backbone.deploy.support.Project;
import dev.backbone.deploy.support.PromQlNames;
import dev.backbone.deploy.support.PrometheusText;
import dev.backbone.deploy.support.Walkthrough;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The platform as a team runs it: the broker and both sample services as real processes from their Boot jars, each
 * with the environment {@code docker-compose.yml} gives its service (so the broker enforces security and each
 * sample presents its own API key), and only the ports and the data directory pointed elsewhere by arguments.
 * The samples' README walk-throughs run as written (place, pay, ship, an illegal second shipment; the audit view
 * with its actors, the chain, a dead letter), every process exports Backbone metrics, a real Prometheus with the
 * project's configuration finds every target up, and a broker killed with SIGKILL and restarted has lost nothing
 * it acknowledged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformEndToEndTest {

    private static final JsonMapper JSON = new JsonMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** Series Prometheus writes itself for every target, exported by no process. */
    private static final Set<String> WRITTEN_BY_PROMETHEUS = Set.of("up");

    private Path dir;
    private BootApp broker;
    private BootApp orders;
    private BootApp audit;

    @BeforeAll
    void startThePlatform(@TempDir Path tempDir) {
        dir = tempDir;
        Path logs = Project.scratch("platform-logs");
        ComposeFile compose = ComposeFile.read(Project.resolve("docker-compose.yml"));
        broker = BootApp.start("broker", Project.brokerJar(), logs, compose.environment("backbone"),
                "--backbone.data-dir=" + dir.resolve("broker-data"), "--backbone.groups.lag-metric-interval=1s");
        String brokerUrl = "--backbone.url=" + broker.baseUrl();
        orders = BootApp.start("order-service", Project.sampleJar("sample-order-service"), logs,
                compose.environment("order-service"), brokerUrl);
        audit = BootApp.start("audit-service", Project.sampleJar("sample-audit-service"), logs,
                compose.environment("audit-service"), brokerUrl);
    }

    /** The broker runs as compose runs it, security enforced: without a key nothing under /v1 answers. */
    @Test
    @Order(0)
    void theBrokerEnforcesSecurityAsComposeConfiguresIt() {
        var anonymous = Http.postJson(broker.baseUrl() + "/v1/topics/orders/records",
                "{\"records\": [{\"value\": 1}]}");
        assertThat(anonymous.statusCode()).as(anonymous.body()).isEqualTo(401);
        assertThat(Http.get(broker.baseUrl() + "/v1/topics").statusCode()).isEqualTo(401);
    }

    @AfterAll
    void stopThePlatform() {
        for (BootApp app : new BootApp[] {audit, orders, broker}) {
            if (app != null) {
                app.close();
            }
        }
    }

    @Test
    @Order(1)
    void theSamplesWalkThroughsRunAsWritten() {
        Map<Integer, Integer> ports = Map.of(8080, broker.port(), 8081, orders.port(), 8082, audit.port());
        Walkthrough.of(Project.resolve("sample-order-service/README.md")).run(dir, ports);
        Walkthrough.of(Project.resolve("sample-audit-service/README.md")).run(dir, ports);

        JsonNode entries = get(audit.baseUrl() + "/audit/entries");
        List<String> actions = new ArrayList<>();
        entries.forEach(e -> actions.add(e.get("actor").asString() + ":" + e.get("action").asString() + ":"
                + e.get("outcome").asString()));
        assertThat(actions).containsSubsequence("ada:order.place:SUCCESS", "ada:order.pay:SUCCESS",
                "warehouse:order.ship:SUCCESS", "warehouse:order.ship:FAILURE");
    }

    /**
     * Every process exports Backbone metrics, and every metric name the Grafana dashboard and the alert rules use
     * is exported by one of them (after the walk-throughs, every per-topic, per-group and per-listener series
     * exists): a renamed meter or a typo fails here instead of leaving an empty panel.
     */
    @Test
    @Order(2)
    void everyProcessExportsBackboneMetricsAndTheDashboardAndRulesUseOnlyExportedNames() {
        Set<String> exported = new TreeSet<>();
        for (BootApp app : List.of(broker, orders, audit)) {
            var scrape = Http.get(app.baseUrl() + "/actuator/prometheus");
            assertThat(scrape.statusCode()).isEqualTo(200);
            Set<String> names = PrometheusText.seriesNames(scrape.body());
            assertThat(names).as("Backbone series of %s", app.baseUrl()).anyMatch(n -> n.startsWith("backbone_"));
            exported.addAll(names);
        }
        exported.addAll(awaitSeries(broker, "backbone_group_lag"));
        exported.addAll(awaitSeries(audit, "backbone_listener_records_dead_lettered_total"));

        List<String> unknown = new ArrayList<>();
        List<MonitoringFiles.Query> queries = new ArrayList<>(MonitoringFiles.dashboardQueries());
        queries.addAll(MonitoringFiles.ruleQueries());
        for (MonitoringFiles.Query query : queries) {
            Set<String> names = PromQlNames.of(query.expression());
            assertThat(names).as("metric names in %s: %s", query.where(), query.expression()).isNotEmpty();
            names.stream().filter(n -> !exported.contains(n) && !WRITTEN_BY_PROMETHEUS.contains(n))
                    .forEach(n -> unknown.add(query.where() + ": " + n));
        }
        assertThat(unknown).as("names no process exports (exported: %s)", exported).isEmpty();
    }

    private static Set<String> awaitSeries(BootApp app, String series) {
        return Deadline.await(series + " at " + app.baseUrl(), TIMEOUT, () -> {
            Set<String> names = PrometheusText.seriesNames(Http.get(app.baseUrl() + "/actuator/prometheus").body());
            return names.contains(series) ? Optional.of(names) : Optional.empty();
        });
    }

    /**
     * A real Prometheus with the project's scrape configuration and alert rules, its targets pointed at the local
     * processes: every target is up, each process's Backbone series come back through the query API, every
     * dashboard query is accepted, and every alert rule evaluates without error.
     */
    @Test
    @Order(3)
    void prometheusWithTheProjectsConfigurationScrapesEveryProcess() throws Exception {
        Map<String, String> targets = Map.of("backbone-server", "127.0.0.1:" + broker.port(),
                "order-service", "127.0.0.1:" + orders.port(), "audit-service", "127.0.0.1:" + audit.port());
        Path promDir = Files.createDirectories(dir.resolve("prometheus"));
        try (LocalPrometheus prometheus = LocalPrometheus.start(promDir, targets)) {
            Deadline.await("every target up", TIMEOUT, () -> {
                JsonNode active = prometheus.targets();
                long up = 0;
                for (JsonNode t : active) {
                    up += "up".equals(t.path("health").asString()) ? 1 : 0;
                }
                return active.size() == targets.size() && up == active.size() ? Optional.of(true)
                        : Optional.empty();
            });
            for (String job : targets.keySet()) {
                JsonNode series = Deadline.await("Backbone series of " + job, TIMEOUT, () -> {
                    JsonNode result = prometheus.query("count({job=\"" + job + "\", __name__=~\"backbone_.+\"})");
                    return result.isEmpty() ? Optional.empty() : Optional.of(result);
                });
                assertThat(series.get(0).path("value").get(1).asInt()).as(job).isPositive();
            }
            assertThat(prometheus.query("backbone_log_end_offset{job=\"backbone-server\", topic=\"orders\"}"))
                    .isNotEmpty();
            for (MonitoringFiles.Query query : MonitoringFiles.dashboardQueries()) {
                if (!query.expression().startsWith("label_values(")) {
                    prometheus.query(query.expression().replace("$__rate_interval", "1m")
                            .replace("$instance", ".*").replace("$topic", ".*"));
                }
            }
            assertRulesEvaluateCleanly(prometheus);
        }
    }

    private static void assertRulesEvaluateCleanly(LocalPrometheus prometheus) {
        int expected = MonitoringFiles.ruleQueries().size();
        JsonNode groups = Deadline.await("every rule evaluated", TIMEOUT, () -> {
            List<JsonNode> all = new ArrayList<>();
            prometheus.ruleGroups().forEach(g -> g.path("rules").forEach(all::add));
            boolean evaluated = all.size() == expected
                    && all.stream().noneMatch(r -> r.path("health").asString().equals("unknown"));
            return evaluated ? Optional.of(prometheus.ruleGroups()) : Optional.empty();
        });
        groups.forEach(g -> g.path("rules").forEach(r -> assertThat(r.path("health").asString())
                .as("rule %s: %s", r.path("name").asString(), r.path("lastError").asString()).isEqualTo("ok")));
    }

    /**
     * Orders placed and audit entries written before a SIGKILL of the broker are all there after its restart:
     * every command answered 2xx was acknowledged by the broker, and acknowledged means kept.
     */
    @Test
    @Order(4)
    void aBrokerKilledAndRestartedLosesNothingAcknowledged() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            var placed = Http.postJson(orders.baseUrl() + "/orders",
                    "{\"customer\": \"c" + i + "\", \"lines\": [{\"sku\": \"s\", \"quantity\": 1, \"unitPrice\": 1}]}");
            assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
            String id = JSON.readTree(placed.body()).get("id").asString();
            assertThat(Http.postJson(orders.baseUrl() + "/orders/" + id + "/payment",
                    "{\"paymentReference\": \"p" + i + "\"}").statusCode()).isEqualTo(200);
            ids.add(id);
        }
        long chainBatches = get(audit.baseUrl() + "/audit/chain").get("batches").asLong();

        broker.kill();
        broker.restart();

        for (String id : ids) {
            JsonNode order = Deadline.await("order " + id + " after the restart", TIMEOUT, () -> {
                var answer = Http.get(orders.baseUrl() + "/orders/" + id);
                return answer.statusCode() == 200 ? Optional.of(JSON.readTree(answer.body())) : Optional.empty();
            });
            assertThat(order.get("status").asString()).as(id).isEqualTo("PAID");
        }
        JsonNode chain = get(audit.baseUrl() + "/audit/chain");
        assertThat(chain.get("valid").asBoolean()).as(chain.toString()).isTrue();
        assertThat(chain.get("batches").asLong()).isGreaterThanOrEqualTo(chainBatches);
        var shipped = Http.postJson(orders.baseUrl() + "/orders/" + ids.get(0) + "/shipment",
                "{\"carrier\": \"dhl\", \"trackingNumber\": \"after-restart\"}");
        assertThat(shipped.statusCode()).as("the services carry on: %s", shipped.body()).isEqualTo(200);
    }

    private static JsonNode get(String url) {
        var answer = Http.get(url);
        assertThat(answer.statusCode()).as("%s: %s", url, answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }
}
