package dev.backbone.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ReportTest {

    @Test
    void throughputInDecimalMegabytesLikeDd() {
        ThroughputReport report = new ThroughputReport("produce binary", 1_000_000, 1_050_000_000L, 1_000,
                TimeUnit.MILLISECONDS.toNanos(2_500));

        assertThat(report.recordsPerSecond()).isEqualTo(400_000.0);
        assertThat(report.megabytesPerSecond()).isEqualTo(420.0);
        assertThat(report.format()).isEqualTo("produce binary: 1,000,000 records, 1,050,000,000 bytes, 1,000 "
                + "requests in 2.50 s = 400,000 records/s, 420.0 MB/s");
    }

    @Test
    void throughputRejectsImpossibleCounts() {
        assertThatThrownBy(() -> new ThroughputReport("x", -1, 0, 0, 1)).hasMessageContaining("records=-1");
        assertThatThrownBy(() -> new ThroughputReport("x", 0, 0, 0, 0)).hasMessageContaining("elapsedNanos=0");
    }

    @Test
    void latencyPercentilesInMicroseconds() {
        Histogram histogram = LatencyReport.newHistogram();
        for (int micros = 1; micros <= 1_000; micros++) {
            LatencyReport.record(histogram, TimeUnit.MICROSECONDS.toNanos(micros));
        }

        LatencyReport report = LatencyReport.of("e2e", histogram);

        assertThat(report.count()).isEqualTo(1_000);
        assertThat(report.p50Micros()).isCloseTo(500, within(1.0));
        assertThat(report.p99Micros()).isCloseTo(990, within(1.0));
        assertThat(report.p999Micros()).isCloseTo(999, within(1.0));
        assertThat(report.maxMicros()).isCloseTo(1_000, within(1.0));
        assertThat(report.format()).startsWith("e2e: n=1,000 p50=500 us p99=990 us");
    }

    @Test
    void outliersAreClampedNotFatalAndEmptyHistogramsSaySo() {
        Histogram histogram = LatencyReport.newHistogram();
        LatencyReport.record(histogram, TimeUnit.HOURS.toNanos(2));
        LatencyReport.record(histogram, -5);

        assertThat(histogram.getTotalCount()).isEqualTo(2);
        assertThat(LatencyReport.of("x", histogram).maxMicros())
                .isCloseTo(TimeUnit.MINUTES.toMicros(1), within(TimeUnit.MINUTES.toMicros(1) / 100.0));
        assertThat(LatencyReport.of("idle", LatencyReport.newHistogram()).format()).isEqualTo("idle: no samples");
    }
}
