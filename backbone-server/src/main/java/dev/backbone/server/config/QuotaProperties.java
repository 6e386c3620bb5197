package dev.backbone.server.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Quotas per principal, under {@code backbone.quotas}: defaults for every principal and overrides for named ones.
 * Nothing is limited unless a rate is set.
 *
 * <p>Thread safety: bound once at start-up, then only read.
 */
@ConfigurationProperties("backbone.quotas")
public class QuotaProperties {

    /** The quota of every principal without an entry under 'principals'. */
    private final Limits defaults = new Limits();

    /** Quotas of named principals (the principal name is the key); a named principal gets exactly its entry. */
    private final Map<String, Limits> principals = new LinkedHashMap<>();

    /** How far ahead of its rate a principal may run (its bucket holds rate x burst) before it is throttled. */
    private Duration burst = Duration.ofSeconds(1);

    /** The longest a read is held back for fetch bytes its principal owes; a longer debt is answered 429. */
    private Duration maxFetchDelay = Duration.ofSeconds(5);

    /** The defaults, bound from 'backbone.quotas.default.*'. */
    public Limits getDefault() {
        return defaults;
    }

    public Map<String, Limits> getPrincipals() {
        return principals;
    }

    public Duration getBurst() {
        return burst;
    }

    public void setBurst(Duration burst) {
        this.burst = burst;
    }

    public Duration getMaxFetchDelay() {
        return maxFetchDelay;
    }

    public void setMaxFetchDelay(Duration maxFetchDelay) {
        this.maxFetchDelay = maxFetchDelay;
    }

    /** The rates of one principal; unset means no limit. */
    public static class Limits {

        /** Bytes of request bodies (produce) per second. */
        private DataSize produceBytesPerSecond;

        /** Bytes of answers to reads (consume) per second. */
        private DataSize fetchBytesPerSecond;

        /** Requests per second, of any kind. */
        private Long requestsPerSecond;

        public DataSize getProduceBytesPerSecond() {
            return produceBytesPerSecond;
        }

        public void setProduceBytesPerSecond(DataSize produceBytesPerSecond) {
            this.produceBytesPerSecond = produceBytesPerSecond;
        }

        public DataSize getFetchBytesPerSecond() {
            return fetchBytesPerSecond;
        }

        public void setFetchBytesPerSecond(DataSize fetchBytesPerSecond) {
            this.fetchBytesPerSecond = fetchBytesPerSecond;
        }

        public Long getRequestsPerSecond() {
            return requestsPerSecond;
        }

        public void setRequestsPerSecond(Long requestsPerSecond) {
            this.requestsPerSecond = requestsPerSecond;
        }
    }
}
