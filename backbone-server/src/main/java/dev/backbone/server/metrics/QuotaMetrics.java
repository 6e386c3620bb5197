package dev.backbone.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Quota meters, tagged by principal and quota kind ({@code produce-bytes}, {@code fetch-bytes}, {@code requests}):
 *
 * <ul>
 *   <li>{@code backbone_quota_throttled_total}: requests refused with 429 or held back for a quota</li>
 *   <li>{@code backbone_quota_usage_total}: units charged against a quota (bytes, or requests); its rate beside
 *       the configured quota shows how close a principal runs to it</li>
 * </ul>
 *
 * Only principals with a limit of that kind are counted, so a broker without quotas publishes none of these.
 *
 * <p>Thread safety: thread-safe; counters are built once per principal and kind and cached.
 */
public final class QuotaMetrics {

    public static final String THROTTLED = "backbone.quota.throttled";
    public static final String USAGE = "backbone.quota.usage";

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public QuotaMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A request of {@code principal} was refused or delayed by its {@code quota} quota. */
    public void throttled(String principal, String quota) {
        counter(THROTTLED, principal, quota, "Requests refused or held back by a quota").increment();
    }

    /** {@code units} were charged against {@code principal}'s {@code quota} quota. */
    public void charged(String principal, String quota, long units) {
        counter(USAGE, principal, quota, "Units charged against a quota: bytes or requests").increment(units);
    }

    private Counter counter(String name, String principal, String quota, String description) {
        return counters.computeIfAbsent(name + '\u0000' + principal + '\u0000' + quota, k -> Counter
                .builder(name).description(description).tag("principal", principal).tag("quota", quota)
                .register(registry));
    }
}
