package dev.backbone.bench.load;

import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.RecordBatchDecoder;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
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
            "record-size", "max-in-flight", "flush", "seed");

    private static final long POLL_WAIT_MS = 500;
    /** How long the consumer waits for stragglers after the last send. */
    private static final Duration DRAIN = Duration.ofSeconds(10);

    /** @param format how the producer sends (the consumer always reads binary and decodes) */
    public record Options(URI broker, String topic, Format format, int rate, Duration duration, Duration warmup,
                          int recordSize, int maxInFlight, String flush, long seed) {

        public static Options parse(CommandLine args) {
            args.rejectUnknown(OPTIONS);
            String flush = args.string("flush", null);
            if (flush != null && !flush.equals("none") && !flush.equals("sync")) {
                throw new UsageException("--flush must be none or sync, was '" + flush + "'");
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
                    args.number("seed", 42, Long.MIN_VALUE));
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
        out.printf("e2e: %s produce of %d B records at %,d/s for %s (warm-up %s) to %s-0 from offset %,d%n",
                options.format().name().toLowerCase(), options.recordSize(), options.rate(), options.duration(),
                options.warmup(), options.topic(), startOffset);

        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long measureFrom = start + options.warmup().toNanos();
        long sendUntil = measureFrom + options.duration().toNanos();
        AtomicLong sent = new AtomicLong();
        AtomicLong sendingDone = new AtomicLong(-1);
        Recorder endToEnd = new Recorder(TimeUnit.MINUTES.toNanos(1), 3);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Histogram> producer = threads.submit(() -> produce(random, runId, start, measureFrom, sendUntil,
                    sent, sendingDone));
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

    private long consume(long runId, long startOffset, long measureFrom, AtomicLong sendingDone, Recorder endToEnd)
            throws Exception {
        long offset = startOffset;
        long received = 0;
        while (true) {
            long doneAt = sendingDone.get();
            if (doneAt >= 0 && System.nanoTime() - doneAt > DRAIN.toNanos()) {
                return received;
            }
            HttpResponse<byte[]> response = client.fetchBytes(options.topic(), 0, Long.toString(offset), 1 << 20,
                    POLL_WAIT_MS);
            long now = System.nanoTime();
            byte[] body = response.body();
            if (body.length == 0) {
                if (doneAt >= 0) {
                    return received;
                }
                continue;
            }
            for (Record record : RecordBatchDecoder.decodeAll(ByteBuffer.wrap(body))) {
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
