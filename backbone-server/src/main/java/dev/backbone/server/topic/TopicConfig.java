package dev.backbone.server.topic;

import dev.backbone.client.batch.CompressionCodec;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogConfig;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A topic's settings, parsed from the string map a client sends ({@code "retention.ms": "86400000"}) over the
 * broker's defaults. Keys follow Kafka's topic config names where one exists:
 *
 * <table>
 *   <caption>Topic config keys</caption>
 *   <tr><th>key</th><th>values</th></tr>
 *   <tr><td>{@code retention.ms}</td><td>-1 (keep forever) or a positive number of milliseconds</td></tr>
 *   <tr><td>{@code retention.bytes}</td><td>-1 (no size limit) or a positive number of bytes</td></tr>
 *   <tr><td>{@code segment.bytes}</td><td>roll a segment at this size, at least 1024</td></tr>
 *   <tr><td>{@code segment.ms}</td><td>roll a segment at this age, positive</td></tr>
 *   <tr><td>{@code flush}</td><td>{@code none} or {@code sync}: when appends are acknowledged</td></tr>
 *   <tr><td>{@code max.message.bytes}</td><td>the largest record batch accepted, at least 61</td></tr>
 *   <tr><td>{@code index.interval.bytes}</td><td>bytes between sparse index entries, positive</td></tr>
 *   <tr><td>{@code cleanup.policy}</td><td>{@code delete} (compaction is not supported)</td></tr>
 *   <tr><td>{@code audit.chain}</td><td>{@code true} or {@code false}: keep a hash chain over batches</td></tr>
 *   <tr><td>{@code compression.type}</td><td>{@code producer} (default), {@code uncompressed}, {@code gzip},
 *       {@code snappy}, {@code lz4} or {@code zstd}: the codec of the batches the broker builds itself (JSON,
 *       CloudEvents and NDJSON produce); binary batches are stored as sent</td></tr>
 * </table>
 *
 * <p>Only the keys a client set ({@link #overrides()}) are persisted, so a changed broker default applies to
 * every topic that did not choose otherwise, as in Kafka.
 *
 * <p>Thread safety: immutable.
 */
public final class TopicConfig {

    public static final String RETENTION_MS = "retention.ms";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String FLUSH = "flush";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String AUDIT_CHAIN = "audit.chain";
    public static final String COMPRESSION_TYPE = "compression.type";

    /** Every key a topic may set. */
    public static final Set<String> KEYS = Set.of(RETENTION_MS, RETENTION_BYTES, SEGMENT_BYTES, SEGMENT_MS, FLUSH,
            MAX_MESSAGE_BYTES, INDEX_INTERVAL_BYTES, CLEANUP_POLICY, AUDIT_CHAIN, COMPRESSION_TYPE);

    /** Kafka's value for "keep what the producer chose"; for batches the broker builds that means uncompressed. */
    private static final String PRODUCER = "producer";

    private final Map<String, String> overrides;
    private final LogConfig logConfig;
    private final boolean auditChain;
    private final String compressionType;

    private TopicConfig(Map<String, String> overrides, LogConfig logConfig, boolean auditChain,
                        String compressionType) {
        this.overrides = overrides;
        this.logConfig = logConfig;
        this.auditChain = auditChain;
        this.compressionType = compressionType;
    }

    /** The broker defaults alone. */
    public static TopicConfig defaults(LogConfig defaults) {
        return parse(Map.of(), defaults);
    }

    /**
     * Applies {@code overrides} to {@code defaults}.
     *
     * @throws InvalidConfigException naming the first unknown key or bad value
     */
    public static TopicConfig parse(Map<String, String> overrides, LogConfig defaults) {
        LogConfig config = defaults;
        boolean audit = false;
        String compression = PRODUCER;
        Map<String, String> kept = new TreeMap<>();
        for (Map.Entry<String, String> entry : new TreeMap<>(overrides).entrySet()) {
            String key = entry.getKey();
            String value = entry.getValue() == null ? null : entry.getValue().trim();
            if (value == null || value.isEmpty()) {
                throw new InvalidConfigException(key, value, "a value is required");
            }
            try {
                switch (key) {
                    case RETENTION_MS -> config = config.withRetentionMs(parseLong(key, value));
                    case RETENTION_BYTES -> config = config.withRetentionBytes(parseLong(key, value));
                    case SEGMENT_BYTES -> config = config.withSegmentBytes(parseLong(key, value));
                    case SEGMENT_MS -> config = config.withSegmentMs(parseLong(key, value));
                    case FLUSH -> config = config.withFlushMode(parseFlush(key, value));
                    case MAX_MESSAGE_BYTES -> config = config.withMaxBatchBytes(parseInt(key, value));
                    case INDEX_INTERVAL_BYTES -> config = config.withIndexIntervalBytes(parseInt(key, value));
                    case CLEANUP_POLICY -> {
                        if (!value.equals("delete")) {
                            throw new InvalidConfigException(key, value, "only 'delete' is supported");
                        }
                    }
                    case AUDIT_CHAIN -> audit = parseBoolean(key, value);
                    case COMPRESSION_TYPE -> compression = parseCompressionType(key, value);
                    default -> throw unknownKey(key, value);
                }
            } catch (IllegalArgumentException rangeError) {
                // LogConfig's constructor states the allowed range; pass its words on.
                throw new InvalidConfigException(key, value, rangeError.getMessage());
            }
            kept.put(key, value);
        }
        return new TopicConfig(Collections.unmodifiableMap(kept), config, audit, compression);
    }

    /** @throws InvalidConfigException when {@code key} is not one of {@link #KEYS} */
    static void checkKnownKey(String key, String value) {
        if (!KEYS.contains(key)) {
            throw unknownKey(key, value);
        }
    }

    private static InvalidConfigException unknownKey(String key, String value) {
        return new InvalidConfigException(key, value, "unknown config key; known keys are " + new TreeSet<>(KEYS));
    }

    /** The keys the client set, as given, sorted. */
    public Map<String, String> overrides() {
        return overrides;
    }

    /** Every effective setting, defaults included, sorted by key. */
    public Map<String, String> asMap() {
        Map<String, String> map = new TreeMap<>();
        map.put(RETENTION_MS, Long.toString(logConfig.retentionMs()));
        map.put(RETENTION_BYTES, Long.toString(logConfig.retentionBytes()));
        map.put(SEGMENT_BYTES, Long.toString(logConfig.segmentBytes()));
        map.put(SEGMENT_MS, Long.toString(logConfig.segmentMs()));
        map.put(FLUSH, logConfig.flushMode().name().toLowerCase(Locale.ROOT));
        map.put(MAX_MESSAGE_BYTES, Integer.toString(logConfig.maxBatchBytes()));
        map.put(INDEX_INTERVAL_BYTES, Integer.toString(logConfig.indexIntervalBytes()));
        map.put(CLEANUP_POLICY, "delete");
        map.put(AUDIT_CHAIN, Boolean.toString(auditChain));
        map.put(COMPRESSION_TYPE, compressionType);
        return Collections.unmodifiableMap(map);
    }

    public LogConfig toLogConfig() {
        return logConfig;
    }

    public FlushMode flushMode() {
        return logConfig.flushMode();
    }

    /** Whether the topic keeps a hash chain over its batches. */
    public boolean auditChain() {
        return auditChain;
    }

    /**
     * The codec of the batches the broker builds for this topic: none for {@code producer} and
     * {@code uncompressed}, else the named one.
     */
    public CompressionCodec compressionCodec() {
        return compressionType.equals(PRODUCER) || compressionType.equals("uncompressed") ? CompressionCodec.NONE
                : CompressionCodec.forName(compressionType);
    }

    private static String parseCompressionType(String key, String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.equals(PRODUCER) || lower.equals("uncompressed")) {
            return lower;
        }
        try {
            CompressionCodec codec = CompressionCodec.forName(lower);
            if (codec != CompressionCodec.NONE) {
                return codec.configName();
            }
        } catch (IllegalArgumentException unknown) {
            // Named below with the values a topic accepts, which differ from the codec names by two.
        }
        throw new InvalidConfigException(key, value,
                "must be one of producer, uncompressed, gzip, snappy, lz4, zstd");
    }

    private static long parseLong(String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key, value, "not a whole number");
        }
    }

    private static int parseInt(String key, String value) {
        long parsed = parseLong(key, value);
        if (parsed > Integer.MAX_VALUE || parsed < Integer.MIN_VALUE) {
            throw new InvalidConfigException(key, value, "must be at most " + Integer.MAX_VALUE);
        }
        return (int) parsed;
    }

    private static FlushMode parseFlush(String key, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "none" -> FlushMode.NONE;
            case "sync" -> FlushMode.SYNC;
            default -> throw new InvalidConfigException(key, value, "must be 'none' or 'sync'");
        };
    }

    private static boolean parseBoolean(String key, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidConfigException(key, value, "must be 'true' or 'false'");
        };
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TopicConfig that && overrides.equals(that.overrides)
                && logConfig.equals(that.logConfig) && auditChain == that.auditChain
                && compressionType.equals(that.compressionType);
    }

    @Override
    public int hashCode() {
        return overrides.hashCode() * 31 + logConfig.hashCode();
    }

    @Override
    public String toString() {
        return "TopicConfig" + asMap();
    }
}
