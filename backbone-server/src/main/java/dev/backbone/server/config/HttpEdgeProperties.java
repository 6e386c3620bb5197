package dev.backbone.server.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Limits of the HTTP server against abusive clients and CORS for browser clients, under {@code backbone.http}.
 *
 * <p>Thread safety: bound once at start-up, then only read.
 */
@ConfigurationProperties("backbone.http")
public class HttpEdgeProperties {

    /** The most open connections; connections accepted beyond it are closed at once. 0 means no limit. */
    private int maxConnections = 16_384;

    /**
     * The longest from the first byte of a request to the end of its head (request line and headers); a slower
     * client gets 408 and its connection is closed. Zero turns the check off.
     */
    private Duration requestHeadTimeout = Duration.ofSeconds(10);

    /**
     * The longest gap between two reads of a request body; a client silent for longer is disconnected. Off (zero) by
     * default: the gap also counts time the broker itself holds back reading a streaming (NDJSON) body while its
     * appends are slow, which would cut a healthy stream. Set it where no client streams produce.
     */
    private Duration bodyReadTimeout = Duration.ZERO;

    /**
     * Whether JSON produce requests to a topic and key-stream reads are served below WebFlux's annotated controllers,
     * with the same answers, errors, quotas and metrics. It applies only while security is off and no other web
     * filter is installed, and to key reads only while no fetch quota applies to them (see {@code FastPathDecorator});
     * switching it off sends every request through WebFlux.
     */
    private boolean fastPath = true;

    private final Cors cors = new Cors();

    public boolean isFastPath() {
        return fastPath;
    }

    public void setFastPath(boolean fastPath) {
        this.fastPath = fastPath;
    }

    public int getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    public Duration getRequestHeadTimeout() {
        return requestHeadTimeout;
    }

    public void setRequestHeadTimeout(Duration requestHeadTimeout) {
        this.requestHeadTimeout = requestHeadTimeout;
    }

    public Duration getBodyReadTimeout() {
        return bodyReadTimeout;
    }

    public void setBodyReadTimeout(Duration bodyReadTimeout) {
        this.bodyReadTimeout = bodyReadTimeout;
    }

    public Cors getCors() {
        return cors;
    }

    /** Cross-origin requests from browsers to the {@code /v1} API. */
    public static class Cors {

        /** Whether browsers on other origins may call the API; off by default. */
        private boolean enabled = false;

        /** Origins allowed, such as 'https://app.example.com'; '*' allows any (not with credentials). */
        private List<String> allowedOrigins = new ArrayList<>();

        /** Origin patterns allowed, such as 'https://*.example.com'; usable with credentials. */
        private List<String> allowedOriginPatterns = new ArrayList<>();

        /** HTTP methods allowed. */
        private List<String> allowedMethods = new ArrayList<>(List.of("GET", "HEAD", "POST", "PUT", "PATCH",
                "DELETE"));

        /** Request headers allowed; '*' allows any. */
        private List<String> allowedHeaders = new ArrayList<>(List.of("Authorization", "Content-Type", "Accept",
                "Idempotency-Key", "If-Match", "If-None-Match", "Last-Event-ID"));

        /** Response headers the browser lets scripts read, beyond the CORS-safelisted ones. */
        private List<String> exposedHeaders = new ArrayList<>(List.of("Backbone-Log-Start-Offset",
                "Backbone-End-Offset", "Backbone-Next-Offset", "Idempotent-Replayed", "ETag", "Location",
                "Retry-After"));

        /** Whether the browser sends cookies and Authorization with cross-origin requests. */
        private boolean allowCredentials = false;

        /** How long a browser may cache the answer to a preflight request. */
        private Duration maxAge = Duration.ofMinutes(30);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public List<String> getAllowedOrigins() {
            return allowedOrigins;
        }

        public void setAllowedOrigins(List<String> allowedOrigins) {
            this.allowedOrigins = allowedOrigins;
        }

        public List<String> getAllowedOriginPatterns() {
            return allowedOriginPatterns;
        }

        public void setAllowedOriginPatterns(List<String> allowedOriginPatterns) {
            this.allowedOriginPatterns = allowedOriginPatterns;
        }

        public List<String> getAllowedMethods() {
            return allowedMethods;
        }

        public void setAllowedMethods(List<String> allowedMethods) {
            this.allowedMethods = allowedMethods;
        }

        public List<String> getAllowedHeaders() {
            return allowedHeaders;
        }

        public void setAllowedHeaders(List<String> allowedHeaders) {
            this.allowedHeaders = allowedHeaders;
        }

        public List<String> getExposedHeaders() {
            return exposedHeaders;
        }

        public void setExposedHeaders(List<String> exposedHeaders) {
            this.exposedHeaders = exposedHeaders;
        }

        public boolean isAllowCredentials() {
            return allowCredentials;
        }

        public void setAllowCredentials(boolean allowCredentials) {
            this.allowCredentials = allowCredentials;
        }

        public Duration getMaxAge() {
            return maxAge;
        }

        public void setMaxAge(Duration maxAge) {
            this.maxAge = maxAge;
        }
    }
}
