package dev.backbone.replication.workload;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Nearest-rank percentiles of a small sample of durations, for the figures the checks print.
 *
 * <p>Thread safety: not thread-safe.
 */
public final class Percentiles {

    private final List<Long> nanos = new ArrayList<>();

    public void add(long value) {
        nanos.add(value);
    }

    public int count() {
        return nanos.size();
    }

    /** The {@code p}-th percentile (0 to 100) by nearest rank, in milliseconds; -1 when empty. */
    public double millis(double p) {
        if (nanos.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1))) / 1e6;
    }

    @Override
    public String toString() {
        return String.format("n=%d median %.0f ms, p99 %.0f ms, max %.0f ms", count(), millis(50), millis(99),
                millis(100));
    }
}
