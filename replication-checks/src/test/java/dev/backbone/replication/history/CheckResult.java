package dev.backbone.replication.history;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link AnomalyChecker} found, with counts that show the history was not empty.
 *
 * @param anomalies every anomaly found
 * @param acknowledged sends acknowledged
 * @param failed sends definitely refused
 * @param unknown sends with an indeterminate outcome
 * @param reads records returned by polls that were not part of the final read
 * @param finalRecords records in the final read, all partitions
 */
public record CheckResult(List<Anomaly> anomalies, int acknowledged, int failed, int unknown, long reads,
        long finalRecords) {

    private static final int SHOWN_PER_KIND = 10;

    public CheckResult {
        anomalies = List.copyOf(anomalies);
    }

    public boolean valid() {
        return anomalies.isEmpty();
    }

    public Map<Anomaly.Kind, Long> counts() {
        Map<Anomaly.Kind, Long> counts = new EnumMap<>(Anomaly.Kind.class);
        anomalies.forEach(a -> counts.merge(a.kind(), 1L, Long::sum));
        return counts;
    }

    /** The kinds found, each once, in {@link Anomaly.Kind} order. */
    public Set<Anomaly.Kind> kinds() {
        return counts().keySet();
    }

    /** Whether at least one anomaly of {@code kind} was found. */
    public boolean has(Anomaly.Kind kind) {
        return anomalies.stream().anyMatch(a -> a.kind() == kind);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(String.format(
                "sends: %d acknowledged, %d failed, %d unknown; %d records polled, %d in the final read; %s",
                acknowledged, failed, unknown, reads, finalRecords,
                valid() ? "no anomalies" : "anomalies " + counts()));
        Map<Anomaly.Kind, Integer> shown = new EnumMap<>(Anomaly.Kind.class);
        for (Anomaly anomaly : anomalies) {
            if (shown.merge(anomaly.kind(), 1, Integer::sum) <= SHOWN_PER_KIND) {
                text.append("\n  ").append(anomaly);
            }
        }
        return text.toString();
    }
}
