package dev.backbone.server.quota;

/**
 * The quota of one principal: a rate per second for each {@link QuotaKind}, or 0 for no limit.
 *
 * @param produceBytesPerSecond bytes of request bodies per second, 0 for no limit
 * @param fetchBytesPerSecond   bytes of answers to reads per second, 0 for no limit
 * @param requestsPerSecond     requests per second, 0 for no limit
 */
public record QuotaLimits(long produceBytesPerSecond, long fetchBytesPerSecond, long requestsPerSecond) {

    /** No limit on anything. */
    public static final QuotaLimits UNLIMITED = new QuotaLimits(0, 0, 0);

    public QuotaLimits {
        if (produceBytesPerSecond < 0 || fetchBytesPerSecond < 0 || requestsPerSecond < 0) {
            throw new IllegalArgumentException("quota rates must not be negative: produce " + produceBytesPerSecond
                    + " B/s, fetch " + fetchBytesPerSecond + " B/s, " + requestsPerSecond + " requests/s");
        }
    }

    /** The rate of {@code kind}, 0 for no limit. */
    public long rate(QuotaKind kind) {
        return switch (kind) {
            case PRODUCE_BYTES -> produceBytesPerSecond;
            case FETCH_BYTES -> fetchBytesPerSecond;
            case REQUESTS -> requestsPerSecond;
        };
    }

    /** Whether any rate is limited. */
    public boolean limitsAnything() {
        return produceBytesPerSecond > 0 || fetchBytesPerSecond > 0 || requestsPerSecond > 0;
    }
}
