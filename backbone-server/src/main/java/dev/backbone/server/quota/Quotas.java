package dev.backbone.server.quota;

import dev.backbone.server.metrics.QuotaMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Quotas per principal, as Kafka has them: produce bytes, fetch bytes and requests per second, each a
 * {@link TokenBucket}. Produce bytes and requests are checked before the request does anything and refused with
 * {@link QuotaExceededException} when over; fetch bytes are known only once the answer is, so they are charged
 * after it and their debt delays the principal's next read (refused instead when the delay would exceed
 * {@code maxFetchDelay}).
 *
 * <p>A principal's buckets are made on its first request; buckets that owe nothing are forgotten once more than
 * {@value #SWEEP_ABOVE} principals are tracked, since such a bucket behaves like a new one.
 *
 * <p>Thread safety: thread-safe; the request path takes no lock (a map lookup and a compare-and-set per bucket).
 */
public final class Quotas {

    /** The name quotas and waiter limits use for a request without a principal (security mode {@code none}). */
    public static final String ANONYMOUS = "anonymous";

    private static final int SWEEP_ABOVE = 10_000;

    /**
     * @param defaults      the quota of every principal not named in {@code principals}
     * @param principals    quotas of named principals; a named principal gets exactly its entry, defaults fill
     *                      none of it
     * @param burst         how far ahead of its rate a principal may run before it is throttled
     * @param maxFetchDelay the longest a read is held back for fetch debt; a longer debt is refused with 429
     */
    public record Settings(QuotaLimits defaults, Map<String, QuotaLimits> principals, Duration burst,
                           Duration maxFetchDelay) {

        public Settings {
            principals = Map.copyOf(principals);
            if (burst.isNegative() || maxFetchDelay.isNegative()) {
                throw new IllegalArgumentException("quota burst and max fetch delay must not be negative: " + burst
                        + ", " + maxFetchDelay);
            }
        }

        /** Whether any principal has any limit. */
        public boolean limitsAnything() {
            return defaults.limitsAnything() || principals.values().stream().anyMatch(QuotaLimits::limitsAnything);
        }
    }

    private final Settings settings;
    private final QuotaMetrics metrics;
    private final LongSupplier nanoClock;
    private final Map<String, Buckets> buckets = new ConcurrentHashMap<>();

    public Quotas(Settings settings, QuotaMetrics metrics, LongSupplier nanoClock) {
        this.settings = settings;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
    }

    /** Whether any quota is configured; when not, callers may skip the accounting altogether. */
    public boolean enabled() {
        return settings.limitsAnything();
    }

    /** The quota of {@code principal}. */
    public QuotaLimits limitsOf(String principal) {
        return settings.principals().getOrDefault(principal, settings.defaults());
    }

    /** Counts one request of {@code principal}. @throws QuotaExceededException when over its request rate */
    public void admitRequest(String principal) {
        admit(principal, QuotaKind.REQUESTS, 1);
    }

    /**
     * Counts a request body of {@code bytes} whose size is known before it is read.
     *
     * @throws QuotaExceededException when the principal is over its produce quota: nothing may be written
     */
    public void admitProduce(String principal, long bytes) {
        admit(principal, QuotaKind.PRODUCE_BYTES, bytes);
    }

    /** Charges body bytes already received (a body of unknown length): the debt throttles the next produce. */
    public void chargeProduce(String principal, long bytes) {
        charge(principal, QuotaKind.PRODUCE_BYTES, bytes);
    }

    /** Whether reads of {@code principal} are charged at all, so that callers can skip counting answer bytes. */
    public boolean limitsFetch(String principal) {
        return limitsOf(principal).fetchBytesPerSecond() > 0;
    }

    /**
     * How long a read of {@code principal} must be held back for the fetch bytes it owes: 0 when within its burst.
     *
     * @throws QuotaExceededException when the delay would be longer than the configured maximum
     */
    public long fetchDelayNanos(String principal) {
        TokenBucket bucket = bucketsOf(principal).bucket(QuotaKind.FETCH_BYTES);
        if (bucket == null) {
            return 0;
        }
        long excess = bucket.excessNanos(nanoClock.getAsLong());
        if (excess == 0) {
            return 0;
        }
        metrics.throttled(principal, QuotaKind.FETCH_BYTES.slug());
        if (excess > settings.maxFetchDelay().toNanos()) {
            throw new QuotaExceededException(principal, QuotaKind.FETCH_BYTES,
                    limitsOf(principal).fetchBytesPerSecond(), excess);
        }
        return excess;
    }

    /** Charges answer bytes already sent to {@code principal}. */
    public void chargeFetch(String principal, long bytes) {
        charge(principal, QuotaKind.FETCH_BYTES, bytes);
    }

    /** The number of principals with buckets now. */
    public int trackedPrincipals() {
        return buckets.size();
    }

    private void admit(String principal, QuotaKind kind, long units) {
        TokenBucket bucket = bucketsOf(principal).bucket(kind);
        if (bucket == null) {
            return;
        }
        long wait = bucket.tryCharge(units, nanoClock.getAsLong());
        if (wait > 0) {
            metrics.throttled(principal, kind.slug());
            throw new QuotaExceededException(principal, kind, limitsOf(principal).rate(kind), wait);
        }
        metrics.charged(principal, kind.slug(), units);
    }

    private void charge(String principal, QuotaKind kind, long units) {
        TokenBucket bucket = bucketsOf(principal).bucket(kind);
        if (bucket != null) {
            bucket.charge(units, nanoClock.getAsLong());
            metrics.charged(principal, kind.slug(), units);
        }
    }

    private Buckets bucketsOf(String principal) {
        Buckets found = buckets.get(principal);
        if (found != null) {
            return found;
        }
        if (buckets.size() > SWEEP_ABOVE) {
            long now = nanoClock.getAsLong();
            buckets.values().removeIf(b -> b.isFull(now));
        }
        return buckets.computeIfAbsent(principal, p -> new Buckets(limitsOf(p), settings.burst().toNanos(),
                nanoClock.getAsLong()));
    }

    /** One principal's buckets, null where its quota has no limit. */
    private static final class Buckets {
        private final TokenBucket[] byKind = new TokenBucket[QuotaKind.values().length];

        Buckets(QuotaLimits limits, long burstNanos, long now) {
            for (QuotaKind kind : QuotaKind.values()) {
                long rate = limits.rate(kind);
                byKind[kind.ordinal()] = rate > 0 ? new TokenBucket(rate, burstNanos, now) : null;
            }
        }

        TokenBucket bucket(QuotaKind kind) {
            return byKind[kind.ordinal()];
        }

        boolean isFull(long now) {
            for (TokenBucket bucket : byKind) {
                if (bucket != null && !bucket.isFull(now)) {
                    return false;
                }
            }
            return true;
        }
    }
}
