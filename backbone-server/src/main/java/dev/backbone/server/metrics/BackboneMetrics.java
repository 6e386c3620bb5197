package dev.backbone.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The produce and fetch meters, tagged by topic:
 *
 * <ul>
 *   <li>{@code backbone_produce_records_total}, {@code backbone_produce_bytes_total}</li>
 *   <li>{@code backbone_fetch_records_total}, {@code backbone_fetch_bytes_total}</li>
 *   <li>{@code backbone_produce_latency_seconds}, {@code backbone_fetch_latency_seconds}: histograms from the
 *       request's arrival to its answer (a fetch's includes its long-poll wait)</li>
 *   <li>{@code backbone_long_polls_waiting}: fetches parked until data arrives</li>
 *   <li>{@code backbone_log_open_segment_files}, {@code backbone_log_open_segment_files_max}: segment and key
 *       chain files the log manager holds open now, and the bound it closes idle ones down to (descriptors of the
 *       whole process are Spring Boot's {@code process_files_open_files} and {@code process_files_max_files})</li>
 *   <li>{@code backbone_log_fsync_seconds}: histogram of group-commit fsyncs, all partitions together (a tag per
 *       partition would multiply the histogram's series by the partition count)</li>
 * </ul>
 *
 * <p>Meters of one topic are built once and cached, since looking a meter up by name and tags on every request
 * costs more than the counting itself; {@link #removeTopic} drops them when the topic is deleted.
 *
 * <p>Thread safety: thread-safe.
 */
public final class BackboneMetrics {

    public static final String PRODUCE_RECORDS = "backbone.produce.records";
    public static final String PRODUCE_BYTES = "backbone.produce.bytes";
    public static final String FETCH_RECORDS = "backbone.fetch.records";
    public static final String FETCH_BYTES = "backbone.fetch.bytes";
    public static final String PRODUCE_LATENCY = "backbone.produce.latency";
    public static final String FETCH_LATENCY = "backbone.fetch.latency";
    public static final String LONG_POLLS_WAITING = "backbone.long.polls.waiting";
    public static final String LOG_FSYNC = "backbone.log.fsync";
    public static final String OPEN_SEGMENT_FILES = "backbone.log.open.segment.files";
    public static final String OPEN_SEGMENT_FILES_MAX = "backbone.log.open.segment.files.max";

    /**
     * Fixed histogram buckets, 15 per timer: a percentile histogram would publish about 70 per topic, too many
     * series for a broker with hundreds of topics.
     */
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofNanos(500_000), Duration.ofMillis(1),
            Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30)};

    private final MeterRegistry registry;
    private final Map<String, TopicMeters> topics = new ConcurrentHashMap<>();
    private final Timer fsync;

    public BackboneMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.fsync = Timer.builder(LOG_FSYNC).description("Duration of group-commit fsyncs of partition logs")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
    }

    /** Records one fsync; fed by the log manager's flush listener. */
    public void recordFsync(long nanos) {
        fsync.record(nanos, TimeUnit.NANOSECONDS);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void recordProduce(String topic, long records, long bytes, long nanos) {
        TopicMeters meters = meters(topic);
        meters.produceRecords.increment(records);
        meters.produceBytes.increment(bytes);
        meters.produceLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void recordFetch(String topic, long records, long bytes, long nanos) {
        TopicMeters meters = meters(topic);
        meters.fetchRecords.increment(records);
        meters.fetchBytes.increment(bytes);
        meters.fetchLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Publishes the number of waiting long polls, read from {@code waiting} at each scrape. */
    public void bindLongPollsWaiting(Supplier<Number> waiting) {
        Gauge.builder(LONG_POLLS_WAITING, waiting).description("Fetches waiting for data to arrive")
                .register(registry);
    }

    /** Publishes the open segment and key chain files, read at each scrape, and their bound. */
    public void bindOpenSegmentFiles(Supplier<Number> open, int max) {
        Gauge.builder(OPEN_SEGMENT_FILES, open)
                .description("Segment and key chain files held open by the log manager").register(registry);
        Gauge.builder(OPEN_SEGMENT_FILES_MAX, () -> max)
                .description("The bound idle segment and key chain files are closed down to").register(registry);
    }

    public void removeTopic(String topic) {
        TopicMeters meters = topics.remove(topic);
        if (meters != null) {
            meters.all().forEach(registry::remove);
        }
    }

    private TopicMeters meters(String topic) {
        TopicMeters meters = topics.get(topic);
        return meters != null ? meters : topics.computeIfAbsent(topic, t -> new TopicMeters(registry, t));
    }

    /** Every meter of one topic. */
    private static final class TopicMeters {
        final Counter produceRecords;
        final Counter produceBytes;
        final Counter fetchRecords;
        final Counter fetchBytes;
        final Timer produceLatency;
        final Timer fetchLatency;

        TopicMeters(MeterRegistry registry, String topic) {
            produceRecords = Counter.builder(PRODUCE_RECORDS).tag("topic", topic).baseUnit("records")
                    .description("Records appended by produce requests").register(registry);
            produceBytes = Counter.builder(PRODUCE_BYTES).tag("topic", topic).baseUnit("bytes")
                    .description("Record batch bytes appended by produce requests").register(registry);
            fetchRecords = Counter.builder(FETCH_RECORDS).tag("topic", topic).baseUnit("records")
                    .description("Records sent to consumers").register(registry);
            fetchBytes = Counter.builder(FETCH_BYTES).tag("topic", topic).baseUnit("bytes")
                    .description("Record batch bytes sent to consumers").register(registry);
            produceLatency = latency(registry, PRODUCE_LATENCY, topic, "Produce request latency");
            fetchLatency = latency(registry, FETCH_LATENCY, topic, "Fetch request latency, long-poll wait included");
        }

        private static Timer latency(MeterRegistry registry, String name, String topic, String description) {
            return Timer.builder(name).tag("topic", topic).description(description)
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry);
        }

        List<Meter> all() {
            return List.of(produceRecords, produceBytes, fetchRecords, fetchBytes, produceLatency, fetchLatency);
        }
    }
}
