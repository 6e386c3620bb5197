package dev.backbone.spring.autoconfigure;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of a service that talks to a Backbone broker, bound from {@code backbone.*}.
 *
 * <p>Mutable JavaBean for the binder; read once at start-up, not thread-safe while being bound.
 */
@ConfigurationProperties("backbone")
public class BackboneProperties {

    /**
     * Base URL of the broker's HTTP API.
     */
    private URI url = URI.create("http://localhost:8080");

    /**
     * How long to wait for a TCP connection to the broker.
     */
    private Duration connectTimeout = Duration.ofSeconds(5);

    /**
     * How long to wait for an answer to one request; a long poll adds its own wait on top.
     */
    private Duration responseTimeout = Duration.ofSeconds(30);

    /**
     * Most connections to the broker kept in the pool.
     */
    private int maxConnections = 64;

    private final Auth auth = new Auth();

    private final RequestRetry requestRetry = new RequestRetry();

    private final Producer producer = new Producer();

    private final Consumer consumer = new Consumer();

    private final Audit audit = new Audit();

    public URI getUrl() {
        return url;
    }

    public void setUrl(URI url) {
        this.url = url;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getResponseTimeout() {
        return responseTimeout;
    }

    public void setResponseTimeout(Duration responseTimeout) {
        this.responseTimeout = responseTimeout;
    }

    public int getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    public Auth getAuth() {
        return auth;
    }

    public RequestRetry getRequestRetry() {
        return requestRetry;
    }

    public Producer getProducer() {
        return producer;
    }

    public Consumer getConsumer() {
        return consumer;
    }

    public Audit getAudit() {
        return audit;
    }

    /** Credentials sent to the broker. */
    public static class Auth {

        /**
         * Static bearer token sent as 'Authorization: Bearer ...' on every request. A BackboneCredentials bean,
         * when present, takes precedence.
         */
        private String token;

        public String getToken() {
            return token;
        }

        public void setToken(String token) {
            this.token = token;
        }
    }

    /** Retries of requests that are safe to repeat (reads, idempotent produce, group calls). */
    public static class RequestRetry {

        /**
         * Most attempts of one request, the first included.
         */
        private int maxAttempts = 5;

        /**
         * Wait before the first retry.
         */
        private Duration initialBackoff = Duration.ofMillis(100);

        /**
         * Longest wait between two attempts.
         */
        private Duration maxBackoff = Duration.ofSeconds(5);

        /**
         * Factor by which the wait grows after each attempt.
         */
        private double multiplier = 2.0;

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getInitialBackoff() {
            return initialBackoff;
        }

        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }

        public double getMultiplier() {
            return multiplier;
        }

        public void setMultiplier(double multiplier) {
            this.multiplier = multiplier;
        }
    }

    /** Durability asked of the broker for published records. */
    public enum Flush {
        /** Acknowledged once in the broker's page cache: survives a broker crash, not a power loss. */
        NONE,
        /** Acknowledged after fsync, shared with concurrent producers (group commit). */
        SYNC
    }

    /** How the publisher compresses its batches (the Kafka codecs, stored by the broker as sent). */
    public enum Compression {
        /** Uncompressed. */
        NONE,
        /** gzip (RFC 1952): the smallest batches, the most CPU. */
        GZIP,
        /** snappy-java's stream format. */
        SNAPPY,
        /** LZ4 frames: fast, a good default when the network is the limit. */
        LZ4,
        /** A zstd frame: close to gzip's ratio at a fraction of its CPU. */
        ZSTD
    }

    /** The background publisher. */
    public static class Producer {

        /**
         * How long a record may wait for more records to share its batch.
         */
        private Duration linger = Duration.ofMillis(5);

        /**
         * Whether a record lingers even when no produce request is in flight. By default a publisher with nothing
         * in flight sends at once and batches only while a request is on its way, so a quiet service's events do
         * not wait the linger and a busy one's still fill batches.
         */
        private boolean lingerWhenIdle = false;

        /**
         * Size at which a partition's batch is sent without waiting for the linger, and the most one request
         * carries. Only one request per partition is in flight, so records that arrive meanwhile wait for the
         * next one: a large cap lets that one take them all.
         */
        private DataSize batchSize = DataSize.ofMegabytes(1);

        /**
         * Most produce requests in flight at once over all partitions (at most one per partition).
         */
        private int maxInFlight = 8;

        /**
         * Most bytes of records waiting to be sent; a publish beyond it fails at once instead of blocking.
         */
        private DataSize bufferSize = DataSize.ofMegabytes(32);

        /**
         * Durability asked of the broker; unset means the topic's own flush mode.
         */
        private Flush flush;

        /**
         * Codec the publisher compresses each batch with; the broker stores and serves the batch compressed, and
         * consumers decompress it.
         */
        private Compression compression = Compression.NONE;

        /**
         * Time after which a publish that could not be acknowledged fails its future.
         */
        private Duration deliveryTimeout = Duration.ofSeconds(30);

        public Duration getLinger() {
            return linger;
        }

        public void setLinger(Duration linger) {
            this.linger = linger;
        }

        public boolean isLingerWhenIdle() {
            return lingerWhenIdle;
        }

        public void setLingerWhenIdle(boolean lingerWhenIdle) {
            this.lingerWhenIdle = lingerWhenIdle;
        }

        public DataSize getBatchSize() {
            return batchSize;
        }

        public void setBatchSize(DataSize batchSize) {
            this.batchSize = batchSize;
        }

        public int getMaxInFlight() {
            return maxInFlight;
        }

        public void setMaxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
        }

        public DataSize getBufferSize() {
            return bufferSize;
        }

        public void setBufferSize(DataSize bufferSize) {
            this.bufferSize = bufferSize;
        }

        public Flush getFlush() {
            return flush;
        }

        public void setFlush(Flush flush) {
            this.flush = flush;
        }

        public Compression getCompression() {
            return compression;
        }

        public void setCompression(Compression compression) {
            this.compression = compression;
        }

        public Duration getDeliveryTimeout() {
            return deliveryTimeout;
        }

        public void setDeliveryTimeout(Duration deliveryTimeout) {
            this.deliveryTimeout = deliveryTimeout;
        }
    }

    /** Listener containers. */
    public static class Consumer {

        /**
         * Whether listener containers start with the application context.
         */
        private boolean autoStartup = true;

        /**
         * Lease of a group member; the broker removes a member it has not heard from for this long.
         */
        private Duration sessionTimeout = Duration.ofSeconds(10);

        /**
         * How often a member renews its lease, on its own thread, apart from processing.
         */
        private Duration heartbeatInterval = Duration.ofSeconds(3);

        /**
         * Longest a fetch waits for records to arrive (long poll).
         */
        private Duration maxWait = Duration.ofSeconds(5);

        /**
         * Most bytes one fetch asks of each partition; the broker sends at least one whole batch.
         */
        private DataSize maxBytes = DataSize.ofMegabytes(1);

        /**
         * How long a stopping container may take to finish the record in hand and commit.
         */
        private Duration shutdownTimeout = Duration.ofSeconds(10);

        /**
         * Least time between two commits of a member's handled positions; what is handled meanwhile goes with the
         * next one, and a timer sends the last ones. 0 commits after the records of every fetch.
         */
        private Duration commitInterval = Duration.ofMillis(10);

        private final Retry retry = new Retry();

        private final DeadLetter deadLetter = new DeadLetter();

        public boolean isAutoStartup() {
            return autoStartup;
        }

        public void setAutoStartup(boolean autoStartup) {
            this.autoStartup = autoStartup;
        }

        public Duration getSessionTimeout() {
            return sessionTimeout;
        }

        public void setSessionTimeout(Duration sessionTimeout) {
            this.sessionTimeout = sessionTimeout;
        }

        public Duration getHeartbeatInterval() {
            return heartbeatInterval;
        }

        public void setHeartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
        }

        public Duration getMaxWait() {
            return maxWait;
        }

        public void setMaxWait(Duration maxWait) {
            this.maxWait = maxWait;
        }

        public DataSize getMaxBytes() {
            return maxBytes;
        }

        public void setMaxBytes(DataSize maxBytes) {
            this.maxBytes = maxBytes;
        }

        public Duration getShutdownTimeout() {
            return shutdownTimeout;
        }

        public void setShutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
        }

        public Duration getCommitInterval() {
            return commitInterval;
        }

        public void setCommitInterval(Duration commitInterval) {
            this.commitInterval = commitInterval;
        }

        public Retry getRetry() {
            return retry;
        }

        public DeadLetter getDeadLetter() {
            return deadLetter;
        }
    }

    /** Retries of a listener invocation that threw. */
    public static class Retry {

        /**
         * Most invocations of a listener for one record, the first included; 1 means no retry.
         */
        private int maxAttempts = 3;

        /**
         * Wait before the first retry.
         */
        private Duration initialBackoff = Duration.ofMillis(200);

        /**
         * Factor by which the wait grows after each failed attempt.
         */
        private double multiplier = 2.0;

        /**
         * Longest wait between two attempts.
         */
        private Duration maxBackoff = Duration.ofSeconds(10);

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getInitialBackoff() {
            return initialBackoff;
        }

        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public double getMultiplier() {
            return multiplier;
        }

        public void setMultiplier(double multiplier) {
            this.multiplier = multiplier;
        }

        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }
    }

    /** Where records go that a listener could not handle. */
    public static class DeadLetter {

        /**
         * Whether a record that failed every attempt goes to the dead-letter topic; when false it is logged at
         * ERROR, counted and skipped.
         */
        private boolean enabled = true;

        /**
         * Suffix appended to the original topic's name to form the dead-letter topic's name.
         */
        private String suffix = ".dlt";

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getSuffix() {
            return suffix;
        }

        public void setSuffix(String suffix) {
            this.suffix = suffix;
        }
    }

    /** The audit trail. */
    public static class Audit {

        /**
         * Whether the audit trail, the @Audited aspect and the Actuator audit event repository are configured.
         */
        private boolean enabled = true;

        /**
         * Topic of the audit trail, created with a hash chain (audit.chain=true) if missing.
         */
        private String topic = "audit";

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getTopic() {
            return topic;
        }

        public void setTopic(String topic) {
            this.topic = topic;
        }
    }
}
