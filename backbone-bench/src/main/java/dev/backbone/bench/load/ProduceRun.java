package dev.backbone.bench.load;

import dev.backbone.client.batch.CompressionCodec;
import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.BackboneClientSettings;
import dev.backbone.client.http.Flush;
import dev.backbone.client.http.ProduceOptions;
import dev.backbone.client.http.RetrySettings;
import java.io.PrintStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.HdrHistogram.Histogram;

/**
 * Produces a bounded number of records as fast as {@code concurrency} synchronous workers can, each
 * sending one batch per request and waiting for the answer before the next; or, with {@code --rate}, at a fixed
 * number of requests per second.
 *
 * <p>At a fixed rate request {@code n} is due at {@code start + n / rate} ({@link RateLimiter}); a worker that
 * takes it waits for that moment, and its latency counts from it, not from when the request was actually sent. A
 * stalled broker therefore shows in the latencies of every request that fell due during the stall, including those
 * no worker was free to send (no coordinated omission): {@code concurrency} only bounds the requests in flight.
 *
 * <p>Each worker builds its full-size request body once and sends it again and again (the broker assigns
 * fresh offsets each time), so the client spends its CPU on HTTP, not on encoding; this is what a producer
 * benchmark should load. Thread safety: run once, from one thread.
 */
public final class ProduceRun {

    public static final Set<String> OPTIONS = Set.of("broker", "topic", "format", "record-size", "batch-size",
            "concurrency", "records", "partitions", "flush", "seed", "client", "compression", "values", "rate");

    /**
     * @param flush       {@code none}, {@code sync} or null for the topic's default
     * @param partitions  partitions of the topic (created if missing); binary workers send to partition
     *                    {@code worker % partitions}, JSON lets the broker spread them
     * @param compression binary: the codec the client compresses its batches with; JSON: the topic's
     *                    {@code compression.type} when this run creates it
     * @param rate        requests per second, or 0 for as fast as the workers go
     */
    public record Options(URI broker, String topic, Format format, int recordSize, int batchSize, int concurrency,
                          long records, int partitions, String flush, long seed, ClientKind client,
                          CompressionCodec compression, ValueKind values, int rate) {

        public static Options parse(CommandLine args) {
            args.rejectUnknown(OPTIONS);
            String flush = args.string("flush", null);
            if (flush != null && !flush.equals("none") && !flush.equals("sync")) {
                throw new UsageException("--flush must be none or sync, was '" + flush + "'");
            }
            if (args.choice("client", ClientKind.class, ClientKind.RAW) == ClientKind.BACKBONE
                    && args.choice("format", Format.class, Format.BINARY) != Format.BINARY) {
                throw new UsageException("--client=backbone produces binary batches only");
            }
            return new Options(args.uri("broker", "http://127.0.0.1:8080"), args.string("topic", "bench"),
                    args.choice("format", Format.class, Format.BINARY),
                    args.intNumber("record-size", 1024, 16),
                    args.intNumber("batch-size", 1000, 1),
                    args.intNumber("concurrency", 4, 1),
                    args.number("records", 1_000_000, 1),
                    args.intNumber("partitions", 4, 1),
                    flush,
                    args.number("seed", 42, Long.MIN_VALUE),
                    args.choice("client", ClientKind.class, ClientKind.RAW),
                    args.choice("compression", CompressionCodec.class, CompressionCodec.NONE),
                    args.choice("values", ValueKind.class, ValueKind.RANDOM),
                    args.intNumber("rate", 0, 0));
        }
    }

    private final Options options;
    private final BrokerClient client;
    private BackboneClient backbone;

    public ProduceRun(Options options) {
        this.options = options;
        this.client = new BrokerClient(options.broker());
    }

    public Result run(PrintStream out) throws Exception {
        client.createTopic(options.topic(), options.partitions(), options.format() == Format.JSON
                && options.compression() != CompressionCodec.NONE
                ? Map.of("compression.type", options.compression().configName()) : Map.of());
        out.printf("produce: %s (%s client, %s, %s values) %,d records of %d B in batches of %d, %d workers, to %s"
                        + " (%d partitions)%n", options.format().name().toLowerCase(),
                options.client().name().toLowerCase(), options.compression().configName(),
                options.values().name().toLowerCase().replace('_', '-'), options.records(), options.recordSize(),
                options.batchSize(), options.concurrency(), options.topic(), options.partitions());
        if (options.rate() > 0) {
            out.printf("produce: at %,d requests/s; latency counts from each request's due time%n", options.rate());
        }
        ExecutorService workers = Executors.newFixedThreadPool(options.concurrency());
        if (options.client() == ClientKind.BACKBONE) {
            backbone = new BackboneClient(BackboneClientSettings.builder(options.broker())
                    .maxConnections(options.concurrency()).retry(RetrySettings.NONE).build());
            // Outside the clock: the first request loads Reactor Netty and starts its resolver (seconds here).
            backbone.describeTopic(options.topic()).block(Duration.ofMinutes(1));
        }
        try {
            List<Future<WorkerTotals>> futures = new ArrayList<>();
            long start = System.nanoTime();
            RequestSchedule schedule = new RequestSchedule(options.records(), options.batchSize(),
                    options.rate() > 0 ? new RateLimiter(options.rate(), start) : null);
            for (int w = 0; w < options.concurrency(); w++) {
                int worker = w;
                futures.add(workers.submit(() -> work(worker, schedule)));
            }
            Histogram latency = LatencyReport.newHistogram();
            long records = 0;
            long bytes = 0;
            long requests = 0;
            for (Future<WorkerTotals> future : futures) {
                WorkerTotals totals = Futures.await(future);
                records += totals.records;
                bytes += totals.bytes;
                requests += totals.requests;
                latency.add(totals.latency);
            }
            long elapsed = System.nanoTime() - start;
            Result result = new Result(new ThroughputReport("produce " + options.format().name().toLowerCase(),
                    records, bytes, requests, elapsed), LatencyReport.of("request latency", latency));
            out.println(result.throughput().format());
            out.println(result.latency().format());
            return result;
        } finally {
            workers.shutdownNow();
            if (backbone != null) {
                backbone.close();
            }
        }
    }

    private WorkerTotals work(int worker, RequestSchedule schedule) throws Exception {
        Payloads payloads = new Payloads(options.seed() + worker, options.recordSize(), options.values(),
                options.compression());
        byte[] fullBody = body(payloads, options.batchSize());
        int partition = worker % options.partitions();
        WorkerTotals totals = new WorkerTotals();
        if (options.client() == ClientKind.RAW) {
            try (RawHttpConnection connection = new RawHttpConnection(options.broker())) {
                return workRaw(payloads, fullBody, partition, schedule, totals, connection);
            }
        }
        if (options.client() == ClientKind.BACKBONE) {
            return workBackbone(payloads, fullBody, partition, schedule, totals);
        }
        while (true) {
            RequestSchedule.Request request = schedule.next();
            if (request == null) {
                return totals;
            }
            int count = request.records();
            byte[] body = count == options.batchSize() ? fullBody : body(payloads, count);
            long sent = request.awaitDue();
            if (options.format() == Format.BINARY) {
                Futures.await(client.produceBinary(options.topic(), partition, body, options.flush()));
            } else {
                Futures.await(client.produceJson(options.topic(), body, options.flush()));
            }
            LatencyReport.record(totals.latency, System.nanoTime() - sent);
            totals.records += count;
            totals.bytes += body.length;
            totals.requests++;
        }
    }

    private WorkerTotals workRaw(Payloads payloads, byte[] fullBody, int partition, RequestSchedule schedule,
                                 WorkerTotals totals, RawHttpConnection connection) throws Exception {
        ByteBuffer full = direct(fullBody);
        while (true) {
            RequestSchedule.Request request = schedule.next();
            if (request == null) {
                return totals;
            }
            int count = request.records();
            ByteBuffer body = count == options.batchSize() ? full : direct(body(payloads, count));
            long sent = request.awaitDue();
            if (options.format() == Format.BINARY) {
                connection.produce(options.topic(), partition, body, options.flush());
            } else {
                connection.produceJson(options.topic(), body, options.flush());
            }
            LatencyReport.record(totals.latency, System.nanoTime() - sent);
            totals.records += count;
            totals.bytes += body.remaining();
            totals.requests++;
        }
    }

    /** Each worker waits for its answer, as the other clients do; the client's event loops do the I/O. */
    private WorkerTotals workBackbone(Payloads payloads, byte[] fullBody, int partition, RequestSchedule schedule,
                                      WorkerTotals totals) {
        ProduceOptions produce = ProduceOptions.flush(options.flush() == null ? null
                : options.flush().equals("sync") ? Flush.SYNC : Flush.NONE);
        ByteBuffer full = direct(fullBody);
        while (true) {
            RequestSchedule.Request request = schedule.next();
            if (request == null) {
                return totals;
            }
            int count = request.records();
            ByteBuffer body = count == options.batchSize() ? full : ByteBuffer.wrap(body(payloads, count));
            long sent = request.awaitDue();
            backbone.produce(options.topic(), partition, body, produce).block(Duration.ofMinutes(1));
            LatencyReport.record(totals.latency, System.nanoTime() - sent);
            totals.records += count;
            totals.bytes += body.remaining();
            totals.requests++;
        }
    }

    private static ByteBuffer direct(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        buffer.put(bytes).flip();
        return buffer;
    }

    private byte[] body(Payloads payloads, int count) {
        return options.format() == Format.BINARY ? payloads.binaryBatch(count) : payloads.jsonBody(count);
    }

    public record Result(ThroughputReport throughput, LatencyReport latency) {
    }

    private static final class WorkerTotals {
        long records;
        long bytes;
        long requests;
        final Histogram latency = LatencyReport.newHistogram();
    }
}
