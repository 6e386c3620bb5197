package dev.backbone.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.deploy.support.BrokerTraffic;
import dev.backbone.deploy.support.ChartBroker;
import dev.backbone.deploy.support.MonitoringFiles;
import dev.backbone.deploy.support.PromQlNames;
import dev.backbone.deploy.support.PrometheusText;
import dev.backbone.deploy.support.SharedChartBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every metric name the Grafana dashboard and the alert rules use is one a running broker exports: a renamed
 * meter, a typo or a histogram suffix that does not exist fails here instead of leaving an empty panel.
 */
@ExtendWith(SharedChartBroker.class)
class MonitoringNamesTest {

    /** Series Prometheus writes itself for every target, not exported by any process. */
    private static final Set<String> WRITTEN_BY_PROMETHEUS = Set.of("up");

    private static Set<String> exported;

    @BeforeAll
    static void scrapeABrokerThatHasSeenTraffic(ChartBroker broker) {
        BrokerTraffic.send(broker.baseUrl());
        String body = BrokerTraffic.awaitSeries(broker.baseUrl() + "/actuator/prometheus", "backbone_group_lag",
                Duration.ofSeconds(60));
        exported = PrometheusText.seriesNames(body);
    }

    @Test
    void dashboardReadsOnlyExportedMetrics() {
        assertOnlyExportedNames(MonitoringFiles.dashboardQueries());
    }

    @Test
    void alertRulesReadOnlyExportedMetrics() {
        assertOnlyExportedNames(MonitoringFiles.ruleQueries());
    }

    @Test
    void dashboardShowsWhatOperatorsNeed() {
        List<String> expressions = MonitoringFiles.dashboardQueries().stream()
                .map(MonitoringFiles.Query::expression).toList();
        assertThat(String.join("\n", expressions)).contains("backbone_produce_records_total",
                "backbone_fetch_records_total", "backbone_produce_bytes_total", "backbone_fetch_bytes_total",
                "backbone_log_end_offset", "backbone_log_size_bytes", "backbone_group_lag",
                "backbone_log_fsync_seconds_bucket", "backbone_produce_latency_seconds_bucket",
                "http_server_requests_seconds_count", "jvm_memory_used_bytes", "jvm_gc_overhead");
    }

    @Test
    void nameExtractionSeesThroughFunctionsMatchersAndGrouping() {
        assertThat(PromQlNames.of("histogram_quantile(0.99, sum by (le, topic) "
                + "(rate(a_bucket{topic=~\"$topic\", x=\"rate(b)\"}[$__rate_interval]))) / on (topic) c_total"
                + " > bool 1e3 offset 5m"))
                .containsExactlyInAnyOrder("a_bucket", "c_total");
        assertThat(PromQlNames.of("label_values(backbone_log_end_offset{instance=~\"$instance\"}, topic)"))
                .containsExactly("backbone_log_end_offset");
    }

    private static void assertOnlyExportedNames(List<MonitoringFiles.Query> queries) {
        assertThat(queries).isNotEmpty();
        List<String> unknown = new ArrayList<>();
        for (MonitoringFiles.Query query : queries) {
            Set<String> names = PromQlNames.of(query.expression());
            assertThat(names).as("metric names in %s: %s", query.where(), query.expression()).isNotEmpty();
            for (String name : names) {
                if (!exported.contains(name) && !WRITTEN_BY_PROMETHEUS.contains(name)) {
                    unknown.add(query.where() + ": " + name);
                }
            }
        }
        assertThat(unknown).as("names no process exports (exported: %s)", exported).isEmpty();
    }
}
