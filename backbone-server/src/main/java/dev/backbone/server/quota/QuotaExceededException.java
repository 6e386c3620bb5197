package dev.backbone.server.quota;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A principal is over one of its quotas: the request was refused before anything was done (429, with
 * {@code Retry-After}).
 *
 * <p>Thread safety: immutable.
 */
public final class QuotaExceededException extends BackboneException {

    private final long retryAfterSeconds;

    public QuotaExceededException(String principal, QuotaKind kind, long ratePerSecond, long waitNanos) {
        super(ProblemType.QUOTA_EXCEEDED, "principal '" + principal + "' is over its " + kind.slug() + " quota of "
                + ratePerSecond + "/s; retry in " + Math.max(1, ceilMillis(waitNanos)) + " ms",
                facts(principal, kind, ratePerSecond, waitNanos));
        this.retryAfterSeconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
    }

    /** Whole seconds to wait, at least 1: the {@code Retry-After} value. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    @Override
    public Map<String, String> headers() {
        return Map.of("Retry-After", Long.toString(retryAfterSeconds));
    }

    private static Map<String, Object> facts(String principal, QuotaKind kind, long rate, long waitNanos) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("principal", principal);
        facts.put("quota", kind.slug());
        facts.put("limitPerSecond", rate);
        facts.put("retryAfterMs", Math.max(1, ceilMillis(waitNanos)));
        return facts;
    }

    private static long ceilMillis(long nanos) {
        return (nanos + 999_999L) / 1_000_000L;
    }
}
