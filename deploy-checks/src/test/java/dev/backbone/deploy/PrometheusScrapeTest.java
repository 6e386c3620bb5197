package dev.backbone.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.deploy.support.BrokerTraffic;
import dev.backbone.deploy.support.ChartBroker;
import dev.backbone.deploy.support.Deadline;
import dev.backbone.deploy.support.Http;
import dev.backbone.deploy.support.LocalPrometheus;
import dev.backbone.deploy.support.MonitoringFiles;
import dev.backbone.deploy.support.SharedChartBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Prometheus, with the project's scrape configuration and alert rules, scrapes the running broker: every
 * target is up, the Backbone series come back through the query API, every dashboard query is accepted, and every
 * alert rule evaluates without error.
 */
@ExtendWith(SharedChartBroker.class)
class PrometheusScrapeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final JsonMapper JSON = new JsonMapper();

    @Test
    void prometheusScrapesEveryTargetAndAnswersTheDashboardsQueries(ChartBroker broker, @TempDir Path dir) {
        BrokerTraffic.send(broker.baseUrl());
        String brokerAddress = "127.0.0.1:" + broker.container().port("http");
        try (LocalPrometheus prometheus = LocalPrometheus.start(dir, Map.of("backbone-server", brokerAddress))) {
            Deadline.await("every target up", TIMEOUT, () -> {
                JsonNode targets = prometheus.targets();
                List<String> down = new ArrayList<>();
                targets.forEach(t -> {
                    if (!"up".equals(t.path("health").asString())) {
                        down.add(t.path("scrapeUrl").asString() + ": " + t.path("lastError").asString());
                    }
                });
                return !targets.isEmpty() && down.isEmpty() ? Optional.of(true) : Optional.empty();
            });

            JsonNode endOffsets = Deadline.await("backbone_log_end_offset of orders", TIMEOUT, () -> {
                JsonNode result = prometheus.query("backbone_log_end_offset{topic=\"" + BrokerTraffic.TOPIC + "\"}");
                return result.isEmpty() ? Optional.empty() : Optional.of(result);
            });
            assertThat(endOffsets.get(0).path("metric").path("job").asString()).isEqualTo("backbone-server");
            long brokerEndOffset = JSON.readTree(Http.get(broker.baseUrl() + "/v1/topics/" + BrokerTraffic.TOPIC)
                    .body()).path("partitions").get(0).path("endOffset").asLong();
            assertThat(brokerEndOffset).isPositive();
            assertThat(endOffsets.get(0).path("value").get(1).asString())
                    .as("the end offset Prometheus scraped is the broker's").isEqualTo(Long.toString(brokerEndOffset));
            assertThat(prometheus.query("backbone_produce_records_total{topic=\"orders\"}")).isNotEmpty();

            for (MonitoringFiles.Query query : MonitoringFiles.dashboardQueries()) {
                if (!query.expression().startsWith("label_values(")) {
                    prometheus.query(asPrometheusWouldGetIt(query.expression()));
                }
            }
            assertRulesEvaluateCleanly(prometheus);
        }
    }

    /** What Grafana sends for the dashboard's variables: all instances and topics, a one-minute rate window. */
    private static String asPrometheusWouldGetIt(String expression) {
        return expression.replace("$__rate_interval", "1m").replace("$instance", ".*").replace("$topic", ".*");
    }

    private static void assertRulesEvaluateCleanly(LocalPrometheus prometheus) {
        int expected = MonitoringFiles.ruleQueries().size();
        JsonNode rules = Deadline.await("every rule evaluated", TIMEOUT, () -> {
            List<JsonNode> all = new ArrayList<>();
            prometheus.ruleGroups().forEach(g -> g.path("rules").forEach(all::add));
            boolean evaluated = all.size() == expected
                    && all.stream().noneMatch(r -> r.path("health").asString().equals("unknown"));
            return evaluated ? Optional.of(prometheus.ruleGroups()) : Optional.empty();
        });
        rules.forEach(g -> g.path("rules").forEach(r -> assertThat(r.path("health").asString())
                .as("rule %s: %s", r.path("name").asString(), r.path("lastError").asString()).isEqualTo("ok")));
    }
}
