package dev.backbone.client.http;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a {@link BackboneClient} needs to know, fixed at construction. Immutable.
 *
 * @param baseUri         the broker, e.g. {@code http://localhost:8080} (a path prefix is kept)
 * @param connectTimeout  the longest wait for a TCP connection
 * @param responseTimeout the longest wait for an answer once the request is sent; a long poll adds its own
 *                        wait on top
 * @param maxConnections  connections kept open to the broker, reused across requests (keep-alive)
 * @param retry           what is repeated after a failure, and how often
 * @param credentials     the bearer token per request
 * @param userAgent       the {@code User-Agent} header
 */
public record BackboneClientSettings(URI baseUri, Duration connectTimeout, Duration responseTimeout,
                                     int maxConnections, RetrySettings retry, BackboneCredentials credentials,
                                     String userAgent) {

    /** The {@code User-Agent} sent unless another is set. */
    public static final String DEFAULT_USER_AGENT = "backbone-client/0.1";

    public BackboneClientSettings {
        Objects.requireNonNull(baseUri, "baseUri");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(responseTimeout, "responseTimeout");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(userAgent, "userAgent");
        if (!"http".equals(baseUri.getScheme()) && !"https".equals(baseUri.getScheme())) {
            throw new IllegalArgumentException("baseUri must be an http or https URI, got " + baseUri);
        }
        if (baseUri.getHost() == null) {
            throw new IllegalArgumentException("baseUri has no host: " + baseUri);
        }
        if (connectTimeout.isZero() || connectTimeout.isNegative() || responseTimeout.isZero()
                || responseTimeout.isNegative()) {
            throw new IllegalArgumentException("timeouts must be positive, got connect " + connectTimeout
                    + " and response " + responseTimeout);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
        }
    }

    /** A builder with the defaults: 5 s to connect, 30 s per answer, 64 connections, {@link RetrySettings#DEFAULT}. */
    public static Builder builder(String baseUri) {
        return new Builder(URI.create(baseUri));
    }

    /** The same defaults for a URI. */
    public static Builder builder(URI baseUri) {
        return new Builder(baseUri);
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(baseUri).connectTimeout(connectTimeout).responseTimeout(responseTimeout)
                .maxConnections(maxConnections).retry(retry).credentials(credentials).userAgent(userAgent);
    }

    /** Builds {@link BackboneClientSettings}; not thread-safe. */
    public static final class Builder {

        private final URI baseUri;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration responseTimeout = Duration.ofSeconds(30);
        private int maxConnections = 64;
        private RetrySettings retry = RetrySettings.DEFAULT;
        private BackboneCredentials credentials = BackboneCredentials.NONE;
        private String userAgent = DEFAULT_USER_AGENT;

        private Builder(URI baseUri) {
            this.baseUri = baseUri;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        public Builder responseTimeout(Duration responseTimeout) {
            this.responseTimeout = responseTimeout;
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        public Builder retry(RetrySettings retry) {
            this.retry = retry;
            return this;
        }

        public Builder credentials(BackboneCredentials credentials) {
            this.credentials = credentials;
            return this;
        }

        /** Shorthand for {@link BackboneCredentials#bearer(String)}. */
        public Builder bearerToken(String token) {
            this.credentials = BackboneCredentials.bearer(token);
            return this;
        }

        public Builder userAgent(String userAgent) {
            this.userAgent = userAgent;
            return this;
        }

        public BackboneClientSettings build() {
            return new BackboneClientSettings(baseUri, connectTimeout, responseTimeout, maxConnections, retry,
                    credentials, userAgent);
        }
    }
}
