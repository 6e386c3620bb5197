package dev.backbone.bench.load;

import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.RecordBatchDecoder;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * End-to-end latency: one record at a time produced at a fixed rate to partition 0, and a long-polling
 * binary consumer on the same partition; latency is from the moment a record was due (by the schedule)
 * to the moment the consumer decoded it.
 *
 * <p>Measuring from the due time rather than the send time keeps a stall of the producer in the figures
 * (no coordinated omission). Records sent during the warm-up are consumed but not recorded.
 * Thread safety: run once, from one thread.
 */
public final class EndToEndRun {

    public static final Set<String> OPTIONS = Set.of("broker", "topic", "format", "rate", "duration", "warmup",
            "record-size", "max-in-flight", "flush", "seed", "client", "connections");

    private static final long POLL_WAIT_MS = 500;
    /** How long the consumer waits for stragglers after the last send. */
    private static final Duration DRAIN = Duration.ofSeconds(10);

    /**
     * @param format      how the producer sends (the consumer always reads binary and decodes)
     * @param maxInFlight the JDK client's most unanswered produces
     * @param connections the raw client's producer connections, each with one produce in flight
     */
    public record Options(URI broker, String topic, Format format, int rate, Duration duration, Duration warmup,
                          int recordSize, int maxInFlight, String flush, long seed, ClientKind client,
                          int connections) {

        public static Options parse(CommandLine args) {
            args.rejectUnknown(OPTIONS);
            if (args.choice("client", ClientKind.class, ClientKind.RAW) == ClientKind.BACKBONE) {
                throw new UsageException("--client=backbone is for produce runs; end-to-end takes raw or jdk");
            }
            String flush = args.string("flush", null);
            if (flush != null && !flush.equals("none") && !flush.equals("sync")) {
                throw new UsageException("--flush must be none or sync, was '" + flush + "'");
            }
            if (args.choice("client", ClientKind.class, ClientKind.RAW) == ClientKind.BACKBONE) {
                throw new UsageException("e2e runs on --client=raw or --client=jdk");
            }
            Options options = new Options(args.uri("broker", "http://127.0.0.1:8080"),
                    args.string("topic", "bench-e2e"),
                    args.choice("format", Format.class, Format.BINARY),
                    args.intNumber("rate", 1000, 1),
                    args.duration("duration", Duration.ofSeconds(30)),
                    args.duration("warmup", Duration.ofSeconds(5)),
                    args.intNumber("record-size", 1024, 64),
                    args.intNumber("max-in-flight", 256, 1),
                    flush,
                    args.number("seed", 42, Long.MIN_VALUE),
                    args.choice("client", ClientKind.class, ClientKind.RAW),
                    args.intNumber("connections", 4, 1));
            if (options.duration().isZero()) {
                throw new UsageException("--duration must be > 0");
            }
            return options;
        }
    }

    private final Options options;
    private final BrokerClient client;

    public EndToEndRun(Options options) {
        this.options = options;
        this.client = new BrokerClient(options.broker());
    }

    public Result run(PrintStream out) throws Exception {
        client.createTopic(options.topic(), 1, Map.of());
        Random random = new Random(options.seed());
        long runId = LatencyStamp.newRunId(random);
        long startOffset = client.fetchCounting(options.topic(), 0, "latest", 1, 0).offsets().endOffset();
        out.printf("e2e: %s produce (%s client) of %d B records at %,d/s for %s (warm-up %s) to %s-0 from offset %,d%n",
                options.format().name().toLowerCase(), options.client().name().toLowerCase(), options.recordSize(),
                options.rate(), options.duration(), options.warmup(), options.topic(), startOffset);

        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long measureFrom = start + options.warmup().toNanos();
        long sendUntil = measureFrom + options.duration().toNanos();
        AtomicLong sent = new AtomicLong();
        AtomicLong sendingDone = new AtomicLong(-1);
        Recorder endToEnd = new Recorder(TimeUnit.MINUTES.toNanos(1), 3);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Histogram> producer = threads.submit(() -> options.client() == ClientKind.RAW
                    ? produceRaw(random, runId, start, measureFrom, sendUntil, sent, sendingDone)
                    : produce(random, runId, start, measureFrom, sendUntil, sent, sendingDone));
            Future<Long> consumer = threads.submit(() -> consume(runId, startOffset, measureFrom, sendingDone,
                    endToEnd));
            Histogram ackLatency = Futures.await(producer);
            long received = Futures.await(consumer);
            Result result = new Result(sent.get(), received,
                    LatencyReport.of("end-to-end latency", endToEnd.getIntervalHistogram()),
                    LatencyReport.of("produce ack latency", ackLatency));
            out.printf("e2e: sent %,d, received %,d%n", result.sent(), result.received());
            out.println(result.endToEnd().format());
            out.println(result.produceAck().format());
            return result;
        } finally {
            threads.shutdownNow();
        }
    }

    private Histogram produce(Random random, long runId, long start, long measureFrom, long sendUntil,
                              AtomicLong sent, AtomicLong sendingDone) throws Exception {
        Histogram ack = LatencyReport.newHistogram();
        Semaphore inFlight = new Semaphore(options.maxInFlight());
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        RateLimiter limiter = new RateLimiter(options.rate(), start);
        Payloads payloads = new Payloads(random.nextLong(), options.recordSize());
        int padding = options.recordSize() - LatencyStamp.BINARY_SIZE;
        byte[] binaryPadding = payloads.randomBytes(padding);
        String jsonPadding = payloads.letters(Math.max(1, options.recordSize() - 48));
        try {
            while (limiter.dueNanos(limiter.nextOperation()) < sendUntil) {
                long due = limiter.awaitNext();
                inFlight.acquire();
                CompletableFuture<HttpResponse<String>> answer = options.format() == Format.BINARY
                        ? client.produceBinary(options.topic(), 0,
                                Payloads.binaryBatch(List.of(LatencyStamp.binary(runId, due, binaryPadding))),
                                options.flush())
                        : client.produceJson(options.topic(),
                                Payloads.jsonBody(List.of(LatencyStamp.json(runId, due, jsonPadding))),
                                options.flush());
                sent.incrementAndGet();
                answer.whenComplete((response, error) -> {
                    // Recorded before the permit goes back: the final drain of permits then sees every answer.
                    if (error != null) {
                        firstError.compareAndSet(null, error);
                    } else if (due >= measureFrom) {
                        synchronized (ack) {
                            LatencyReport.record(ack, System.nanoTime() - due);
                        }
                    }
                    inFlight.release();
                });
            }
            if (!inFlight.tryAcquire(options.maxInFlight(), 60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("produce answers still missing 60 s after the last send");
            }
            if (firstError.get() != null) {
                throw new IllegalStateException("a produce failed; latencies would leave it out",
                        firstError.get());
            }
        } finally {
            sendingDone.set(System.nanoTime());
        }
        synchronized (ack) {
            return ack.copy();
        }
    }

    /**
     * The raw client's producer: {@code connections} threads, each with its own keep-alive connection and one
     * produce in flight, take due times from one shared schedule, so a slow answer on one connection delays
     * only what that connection sends (and the delay counts, since latency runs from the due time).
     */
    private Histogram produceRaw(Random random, long runId, long start, long measureFrom, long sendUntil,
                                 AtomicLong sent, AtomicLong sendingDone) throws Exception {
        RateLimiter limiter = new RateLimiter(options.rate(), start);
        Payloads payloads = new Payloads(random.nextLong(), options.recordSize());
        byte[] binaryPadding = payloads.randomBytes(options.recordSize() - LatencyStamp.BINARY_SIZE);
        String jsonPadding = payloads.letters(Math.max(1, options.recordSize() - 48));
        ExecutorService senders = Executors.newFixedThreadPool(options.connections());
        try {
            List<Future<Histogram>> futures = new ArrayList<>();
            for (int c = 0; c < options.connections(); c++) {
                futures.add(senders.submit(() -> {
                    Histogram ack = LatencyReport.newHistogram();
                    try (RawHttpConnection connection = new RawHttpConnection(options.broker())) {
                        while (true) {
                            long due;
                            synchronized (limiter) {
                                if (limiter.dueNanos(limiter.nextOperation()) >= sendUntil) {
                                    return ack;
                                }
                                due = limiter.awaitNext();
                            }
                            sent.incrementAndGet();
                            if (options.format() == Format.BINARY) {
                                connection.produce(options.topic(), 0, ByteBuffer.wrap(Payloads.binaryBatch(
                                        List.of(LatencyStamp.binary(runId, due, binaryPadding)))), options.flush());
                            } else {
                                connection.produceJson(options.topic(), ByteBuffer.wrap(Payloads.jsonBody(
                                        List.of(LatencyStamp.json(runId, due, jsonPadding)))), options.flush());
                            }
                            if (due >= measureFrom) {
                                LatencyReport.record(ack, System.nanoTime() - due);
                            }
                        }
                    }
                }));
            }
            Histogram all = LatencyReport.newHistogram();
            for (Future<Histogram> future : futures) {
                all.add(Futures.await(future));
            }
            return all;
        } finally {
            sendingDone.set(System.nanoTime());
            senders.shutdownNow();
        }
    }

    /** Fetches the batches at {@code offset}, waiting up to the poll wait, with the run's client. */
    private interface Poller {
        ByteBuffer poll(long offset) throws Exception;
    }

    private long consume(long runId, long startOffset, long measureFrom, AtomicLong sendingDone, Recorder endToEnd)
            throws Exception {
        if (options.client() == ClientKind.RAW) {
            try (RawHttpConnection connection = new RawHttpConnection(options.broker())) {
                return consume(runId, startOffset, measureFrom, sendingDone, endToEnd, offset -> connection
                        .fetchBytes(options.topic(), 0, Long.toString(offset), 1 << 20, POLL_WAIT_MS));
            }
        }
        return consume(runId, startOffset, measureFrom, sendingDone, endToEnd, offset -> ByteBuffer.wrap(client
                .fetchBytes(options.topic(), 0, Long.toString(offset), 1 << 20, POLL_WAIT_MS).body()));
    }

    private long consume(long runId, long startOffset, long measureFrom, AtomicLong sendingDone, Recorder endToEnd,
                         Poller poller) throws Exception {
        long offset = startOffset;
        long received = 0;
        while (true) {
            long doneAt = sendingDone.get();
            if (doneAt >= 0 && System.nanoTime() - doneAt > DRAIN.toNanos()) {
                return received;
            }
            ByteBuffer body = poller.poll(offset);
            long now = System.nanoTime();
            if (!body.hasRemaining()) {
                if (doneAt >= 0) {
                    return received;
                }
                continue;
            }
            for (Record record : RecordBatchDecoder.decodeAll(body)) {
                if (record.offset() < offset) {
                    continue;
                }
                offset = record.offset() + 1;
                OptionalLong due = LatencyStamp.read(runId, record.value());
                if (due.isPresent()) {
                    received++;
                    if (due.getAsLong() >= measureFrom) {
                        endToEnd.recordValue(Math.min(Math.max(0, now - due.getAsLong()),
                                TimeUnit.MINUTES.toNanos(1)));
                    }
                }
            }
        }
    }

    /** @param sent records sent (warm-up included); {@code received} counts those the consumer saw */
    public record Result(long sent, long received, LatencyReport endToEnd, LatencyReport produceAck) {
    }
}
