package dev.backbone.bench.load;

import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.client.batch.RecordBatchDecoder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Soak: produce, consume, consumer-group churn and retention together for a long time against a running broker,
 * reporting per interval the p99 latencies, the broker's heap and open files, and at the end the records lost.
 *
 * <p>Producers append binary batches of numbered records ({@code "<producer>:<sequence>"}) in sync mode, each to
 * its own partitions, and remember every acknowledged sequence. Consumers read every partition from the start and
 * tick off what they see. A churn thread joins a group, fetches, commits and leaves, over and over. The topic has
 * small segments and a short retention, so segments are rolled and deleted all through the run; consumers keep up,
 * so retention never takes a record before it was read. A record acknowledged and never read is lost; the run
 * fails when any is.
 *
 * <p>Thread safety: one run, used by its own threads.
 */
final class SoakRun {

    record Options(URI broker, String topic, Duration duration, Duration interval, int partitions, int producers,
                   int rate, int batchRecords, int recordSize, Duration retention, long segmentBytes) {

        static Options parse(CommandLine args) {
            args.rejectUnknown(Set.of("broker", "topic", "duration", "interval", "partitions", "producers", "rate",
                    "batch-records", "record-size", "retention", "segment-bytes"));
            return new Options(args.uri("broker", "http://127.0.0.1:8080"), args.string("topic", "soak-" + System.currentTimeMillis() / 1000),
                    args.duration("duration", Duration.ofHours(1)), args.duration("interval", Duration.ofMinutes(5)),
                    args.intNumber("partitions", 8, 1), args.intNumber("producers", 4, 1),
                    args.intNumber("rate", 200, 1), args.intNumber("batch-records", 10, 1),
                    args.intNumber("record-size", 256, 16), args.duration("retention", Duration.ofMinutes(2)),
                    args.number("segment-bytes", 1 << 20, 1024));
        }
    }

    /** The outcome: records acknowledged, read and lost, and the per-interval lines printed. */
    record Result(long acknowledged, long consumed, long lost, long produceErrors, long groupCycles,
                  List<String> intervals) {
    }

    private static final Pattern METRIC_VALUE = Pattern.compile("\"value\"\\s*:\\s*([0-9.Ee+-]+)");
    private static final Pattern MEMBER_ID = Pattern.compile("\"memberId\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern GENERATION = Pattern.compile("\"generation\"\\s*:\\s*(\\d+)");

    private final Options options;
    private final BrokerClient client;
    private final Map<Integer, BitSet> acknowledged = new ConcurrentHashMap<>();
    private final Map<Integer, BitSet> seen = new ConcurrentHashMap<>();
    private final Recorder produceLatency = new Recorder(3);
    private final Recorder fetchLatency = new Recorder(3);
    private final Recorder groupLatency = new Recorder(3);
    private final AtomicLong acknowledgedCount = new AtomicLong();
    private final AtomicLong consumedCount = new AtomicLong();
    private final AtomicLong produceErrors = new AtomicLong();
    private final AtomicLong groupCycles = new AtomicLong();
    private final AtomicLong groupErrors = new AtomicLong();
    private volatile boolean producing = true;
    private volatile boolean running = true;

    SoakRun(Options options) {
        this.options = options;
        this.client = new BrokerClient(options.broker());
    }

    Result run(PrintStream out) throws Exception {
        client.createTopic(options.topic(), options.partitions(), Map.of("flush", "sync",
                "retention.ms", Long.toString(options.retention().toMillis()),
                "segment.bytes", Long.toString(options.segmentBytes())));
        out.printf("soak: %s for %s, %d partitions, %d producers, %d records/s, intervals of %s%n",
                options.broker(), options.duration(), options.partitions(), options.producers(), options.rate(),
                options.interval());
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < options.producers(); p++) {
            int producer = p;
            acknowledged.put(producer, new BitSet());
            seen.put(producer, new BitSet());
            producers.add(start("soak-producer-" + p, () -> produce(producer)));
        }
        List<Thread> threads = new ArrayList<>();
        long[] positions = new long[options.partitions()];
        threads.add(start("soak-consumer", () -> consume(positions)));
        threads.add(start("soak-group-churn", this::churnGroups));
        List<String> intervals = report(out);
        producing = false;
        for (Thread producer : producers) {
            // Its last produce may be acknowledged after the flag fell: wait, so the drain below counts it.
            producer.join(Duration.ofSeconds(70).toMillis());
        }
        long drainUntil = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (consumedCount.get() < acknowledgedCount.get() && System.nanoTime() < drainUntil) {
            Thread.sleep(100);
        }
        running = false;
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(70).toMillis());
        }
        long lost = lost();
        Result result = new Result(acknowledgedCount.get(), consumedCount.get(), lost, produceErrors.get(),
                groupCycles.get(), intervals);
        out.printf("soak done: %d acknowledged, %d consumed, %d LOST, %d produce errors, %d group cycles "
                + "(%d group errors)%n", result.acknowledged(), result.consumed(), lost, result.produceErrors(),
                result.groupCycles(), groupErrors.get());
        return result;
    }

    private static Thread start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private long lost() {
        long lost = 0;
        for (Map.Entry<Integer, BitSet> entry : acknowledged.entrySet()) {
            BitSet missing;
            synchronized (entry.getValue()) {
                missing = (BitSet) entry.getValue().clone();
            }
            BitSet read = seen.get(entry.getKey());
            synchronized (read) {
                missing.andNot(read);
            }
            lost += missing.cardinality();
        }
        return lost;
    }

    private void produce(int producer) {
        double perProducer = (double) options.rate() / options.producers() / options.batchRecords();
        RateLimiter limiter = new RateLimiter(perProducer, System.nanoTime());
        byte[] padding = new byte[options.recordSize()];
        int sequence = 0;
        int round = 0;
        while (producing) {
            limiter.awaitNext();
            int partition = (producer + round++ * options.producers()) % options.partitions();
            RecordBatchBuilder builder = new RecordBatchBuilder();
            int first = sequence;
            for (int i = 0; i < options.batchRecords(); i++) {
                byte[] id = (producer + ":" + sequence++ + ":").getBytes(StandardCharsets.US_ASCII);
                byte[] value = padding.clone();
                System.arraycopy(id, 0, value, 0, Math.min(id.length, value.length));
                builder.add(System.currentTimeMillis(), null, value, List.of());
            }
            ByteBuffer batch = builder.build();
            byte[] bytes = new byte[batch.remaining()];
            batch.get(bytes);
            long start = System.nanoTime();
            try {
                client.produceBinary(options.topic(), partition, bytes, "sync").join();
                produceLatency.recordValue(System.nanoTime() - start);
                BitSet acked = acknowledged.get(producer);
                synchronized (acked) {
                    acked.set(first, sequence);
                }
                acknowledgedCount.addAndGet(options.batchRecords());
            } catch (RuntimeException e) {
                produceErrors.incrementAndGet();
            }
        }
    }

    private void consume(long[] positions) {
        while (running) {
            boolean idle = true;
            for (int partition = 0; partition < positions.length && running; partition++) {
                long start = System.nanoTime();
                try {
                    HttpResponse<byte[]> response = client.fetchBytes(options.topic(), partition,
                            Long.toString(positions[partition]), 1 << 20, 0);
                    fetchLatency.recordValue(System.nanoTime() - start);
                    for (Record record : RecordBatchDecoder.decodeAll(ByteBuffer.wrap(response.body()))) {
                        if (record.offset() < positions[partition]) {
                            continue;
                        }
                        tick(record.value());
                        positions[partition] = record.offset() + 1;
                        idle = false;
                    }
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        return;
                    }
                }
            }
            if (idle) {
                sleep(20);
            }
        }
    }

    private void tick(byte[] value) {
        String text = new String(value, 0, Math.min(value.length, 24), StandardCharsets.US_ASCII);
        int colon = text.indexOf(':');
        int end = text.indexOf(':', colon + 1);
        int producer = Integer.parseInt(text.substring(0, colon));
        int sequence = Integer.parseInt(text.substring(colon + 1, end));
        BitSet read = seen.get(producer);
        synchronized (read) {
            if (!read.get(sequence)) {
                read.set(sequence);
                consumedCount.incrementAndGet();
            }
        }
    }

    /** Join, one fetch, commit what it returned, leave: a member's whole life, again and again. */
    private void churnGroups() {
        String group = options.topic() + "-churn";
        String join = "{\"topics\":[\"" + options.topic() + "\"],\"sessionTimeoutMs\":10000}";
        while (running) {
            long start = System.nanoTime();
            try {
                HttpResponse<String> joined = client.exchange("POST", "/v1/groups/" + group + "/members", join);
                Matcher member = MEMBER_ID.matcher(joined.body());
                Matcher generation = GENERATION.matcher(joined.body());
                if (joined.statusCode() != 201 || !member.find() || !generation.find()) {
                    groupErrors.incrementAndGet();
                    sleep(500);
                    continue;
                }
                String path = "/v1/groups/" + group + "/members/" + member.group(1);
                HttpResponse<String> fetched = client.exchange("GET", path + "/records?maxWaitMs=0&maxBytes=65536",
                        null);
                String commit = "{\"memberId\":\"" + member.group(1) + "\",\"generation\":" + generation.group(1)
                        + ",\"offsets\":" + nextOffsets(fetched.body()) + "}";
                HttpResponse<String> committed = client.exchange("POST", "/v1/groups/" + group + "/offsets", commit);
                HttpResponse<String> left = client.exchange("DELETE", path, null);
                if (fetched.statusCode() != 200 || committed.statusCode() != 204 || left.statusCode() != 204) {
                    groupErrors.incrementAndGet();
                }
                groupLatency.recordValue(System.nanoTime() - start);
                groupCycles.incrementAndGet();
            } catch (Exception e) {
                groupErrors.incrementAndGet();
            }
            sleep(200);
        }
    }

    /** The {@code nextOffsets} array of a group fetch, as the commit's {@code offsets}. */
    private static String nextOffsets(String fetchBody) {
        int at = fetchBody.indexOf("\"nextOffsets\"");
        if (at < 0) {
            return "[]";
        }
        int open = fetchBody.indexOf('[', at);
        int close = fetchBody.indexOf(']', open);
        return open < 0 || close < 0 ? "[]" : fetchBody.substring(open, close + 1);
    }

    private List<String> report(PrintStream out) throws InterruptedException {
        List<String> lines = new ArrayList<>();
        out.println("interval  end_s  acked  consumed  lag  produce_p99_ms  fetch_p99_ms  group_p99_ms  "
                + "heap_mib  open_fds  group_cycles");
        long startNanos = System.nanoTime();
        long endNanos = startNanos + options.duration().toNanos();
        int index = 0;
        Histogram produce = null;
        Histogram fetch = null;
        Histogram group = null;
        while (System.nanoTime() < endNanos) {
            long next = Math.min(endNanos, startNanos + options.interval().toNanos() * (index + 1));
            Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
            produce = produceLatency.getIntervalHistogram(produce);
            fetch = fetchLatency.getIntervalHistogram(fetch);
            group = groupLatency.getIntervalHistogram(group);
            String line = String.format("%8d  %5d  %5d  %8d  %3d  %14.1f  %12.1f  %12.1f  %8.0f  %8.0f  %12d",
                    ++index, (System.nanoTime() - startNanos) / 1_000_000_000L, acknowledgedCount.get(),
                    consumedCount.get(), acknowledgedCount.get() - consumedCount.get(), p99Ms(produce), p99Ms(fetch),
                    p99Ms(group), metric("/actuator/metrics/jvm.memory.used?tag=area:heap") / (1 << 20),
                    metric("/actuator/metrics/process.files.open"), groupCycles.get());
            out.println(line);
            lines.add(line);
        }
        return lines;
    }

    private static double p99Ms(Histogram histogram) {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(99) / 1e6;
    }

    /** A gauge from the broker's actuator, or -1 when it cannot be read. */
    private double metric(String path) {
        try {
            HttpResponse<String> response = client.exchange("GET", path, null);
            Matcher value = METRIC_VALUE.matcher(response.body());
            return response.statusCode() == 200 && value.find() ? Double.parseDouble(value.group(1)) : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
