package dev.backbone.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.deploy.support.MonitoringFiles;
import dev.backbone.deploy.support.PromQlNames;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dashboard covers what an operator needs, and the metric-name reading that {@link PlatformEndToEndTest}
 * checks against the running processes sees through PromQL. Every name being exported is checked there.
 */
class MonitoringFilesTest {

    @Test
    void dashboardShowsWhatOperatorsNeed() {
        List<String> expressions = MonitoringFiles.dashboardQueries().stream()
                .map(MonitoringFiles.Query::expression).toList();
        assertThat(String.join("\n", expressions)).contains("backbone_produce_records_total",
                "backbone_fetch_records_total", "backbone_produce_bytes_total", "backbone_fetch_bytes_total",
                "backbone_log_end_offset", "backbone_log_size_bytes", "backbone_group_lag",
                "backbone_log_fsync_seconds_bucket", "backbone_produce_latency_seconds_bucket",
                "http_server_requests_seconds_count", "jvm_memory_used_bytes", "jvm_gc_overhead",
                "backbone_listener_records_consumed_total", "backbone_listener_lag");
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
}
