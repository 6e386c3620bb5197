package dev.backbone.bench.load;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Percentiles of a latency histogram recorded in nanoseconds, reported in microseconds.
 *
 * @param count how many values were recorded
 */
public record LatencyReport(String label, long count, double p50Micros, double p99Micros, double p999Micros,
                            double maxMicros) {

    private static final double NANOS_PER_MICRO = TimeUnit.MICROSECONDS.toNanos(1);

    public static LatencyReport of(String label, Histogram nanos) {
        if (nanos.getTotalCount() == 0) {
            return new LatencyReport(label, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new LatencyReport(label, nanos.getTotalCount(),
                nanos.getValueAtPercentile(50.0) / NANOS_PER_MICRO,
                nanos.getValueAtPercentile(99.0) / NANOS_PER_MICRO,
                nanos.getValueAtPercentile(99.9) / NANOS_PER_MICRO,
                nanos.getMaxValue() / NANOS_PER_MICRO);
    }

    /** A histogram for latencies from 1 µs to 1 minute at 3 significant digits. */
    public static Histogram newHistogram() {
        return new Histogram(TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MINUTES.toNanos(1), 3);
    }

    /** Records one value, clamped into the histogram's range so an outlier never aborts a run. */
    public static void record(Histogram histogram, long nanos) {
        histogram.recordValue(Math.max(0, Math.min(nanos, histogram.getHighestTrackableValue())));
    }

    public String format() {
        if (count == 0) {
            return label + ": no samples";
        }
        return String.format(Locale.ROOT, "%s: n=%,d p50=%.0f us p99=%.0f us p99.9=%.0f us max=%.0f us",
                label, count, p50Micros, p99Micros, p999Micros, maxMicros);
    }
}
