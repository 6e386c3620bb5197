package dev.backbone.bench.starter;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicReference;

import dev.backbone.bench.load.CommandLine;
import dev.backbone.bench.load.ThroughputReport;
import org.HdrHistogram.Recorder;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * The three modes of a service load run, whatever the framework under the service:
 *
 * <ul>
 *   <li>{@code publish --topic= --records=200k --record-size=1024 --max-outstanding=20000 --warmup=15s --threads=1}:
 *       publish as fast as the acknowledgements come back, from {@code threads} calling threads, timed after an
 *       untimed warm-up;</li>
 *   <li>{@code listen --topic= --records=N --warmup-records=0 --timeout=120s --group= --concurrency=1}: a no-op
 *       listener in a new group reads N events already in the topic, timed from the event after the warm-up (the
 *       first when there is none) to the Nth;</li>
 *   <li>{@code e2e --topic= --rate=1000 --duration=30s --warmup=30s}: publish keyed events at a fixed rate, the
 *       listener in the same JVM records publish-to-handler latency, and the publish futures record
 *       publish-to-acknowledgement latency; {@code --trace=<file>} also writes when each event was published,
 *       acknowledged and handled ({@link EventTrace}).</li>
 * </ul>
 * Every run is bounded by a record count or a duration. Not instantiable; one run per JVM.
 */
final class ServiceLoadRun {

    private ServiceLoadRun() {
    }

    /** Runs the mode named by {@code args[0]} and exits the JVM. */
    static void main(ServiceUnderLoad service, String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: publish|listen|e2e --option=value ...");
            System.exit(2);
        }
        CommandLine options = CommandLine.parse(java.util.Arrays.asList(args).subList(1, args.length));
        switch (args[0]) {
            case "publish" -> publish(service, options, System.out);
            case "listen" -> listen(service, options, System.out);
            case "e2e" -> endToEnd(service, options, System.out);
            default -> {
                System.err.println("unknown mode " + args[0]);
                System.exit(2);
            }
        }
        System.exit(0);
    }

    static void publish(ServiceUnderLoad service, CommandLine options, PrintStream out) throws Exception {
        options.rejectUnknown(known(service, "topic", "records", "record-size", "max-outstanding", "warmup",
                "threads"));
        long records = options.number("records", 200_000, 1);
        int recordSize = options.intNumber("record-size", 1024, 64);
        int permits = options.intNumber("max-outstanding", 20_000, 1);
        int threads = options.intNumber("threads", 1, 1);
        Semaphore outstanding = new Semaphore(permits);
        try (ConfigurableApplicationContext context = service.start(options, null, 1)) {
            ServiceUnderLoad.Publisher publisher = service.publisher(context);
            String note = padding(recordSize);
            String topic = options.string("topic", "starter-publish");
            AtomicReference<Throwable> failure = new AtomicReference<>();
            // Untimed: C2 compiles Jackson's, the network client's and the publisher's paths in the first seconds.
            long warmupEnd = System.nanoTime() + options.duration("warmup", Duration.ofSeconds(15)).toNanos();
            inParallel(threads, (first, step) -> {
                for (long i = first; System.nanoTime() < warmupEnd; i += step) {
                    outstanding.acquire();
                    publisher.publish(topic, null, new BenchEvent(i, 1_000_000_000_000L, note))
                            .whenComplete((r, e) -> outstanding.release());
                }
            });
            publisher.publish(topic, null, new BenchEvent(0, 0, note)).get(30, TimeUnit.SECONDS);
            ProcessCpu cpu = new ProcessCpu();
            long start = System.nanoTime();
            // Calling threads share the events, as a service's request threads share its publisher.
            inParallel(threads, (first, step) -> {
                for (long i = first; i <= records; i += step) {
                    outstanding.acquire();
                    publisher.publish(topic, null, new BenchEvent(i, 1_000_000_000_000L, note))
                            .whenComplete((r, e) -> {
                                if (e != null) {
                                    failure.compareAndSet(null, e);
                                }
                                outstanding.release();
                            });
                }
            });
            if (!outstanding.tryAcquire(permits, 120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("publishes still outstanding after 120 s");
            }
            long elapsed = System.nanoTime() - start;
            if (failure.get() != null) {
                throw new IllegalStateException("a publish failed", failure.get());
            }
            out.println(new ThroughputReport(service.label() + " publish", records, records * recordSize, 0,
                    elapsed).format());
            out.println(cpu.report(records));
        }
    }

    static void listen(ServiceUnderLoad service, CommandLine options, PrintStream out) throws Exception {
        options.rejectUnknown(known(service, "topic", "records", "warmup-records", "timeout", "group", "concurrency",
                "record-size"));
        long records = options.number("records", 200_000, 1);
        long warmup = options.number("warmup-records", 0, 0);
        if (warmup >= records) {
            throw new IllegalArgumentException("--warmup-records must be below --records");
        }
        // Untimed: C2 compiles the fetch, decoding, Jackson's and the listener's paths in the first records.
        HandledEvents.TIMED_FROM.set(warmup + 1);
        int recordSize = options.intNumber("record-size", 1024, 64);
        Duration timeout = options.duration("timeout", Duration.ofSeconds(120));
        String group = options.string("group", "bench-" + System.nanoTime());
        try (ConfigurableApplicationContext context = service.start(options, group,
                options.intNumber("concurrency", 1, 1))) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (HandledEvents.HANDLED.get() <= warmup && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            ProcessCpu cpu = new ProcessCpu();
            long cpuFrom = HandledEvents.HANDLED.get();
            while (HandledEvents.HANDLED.get() < records && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long handled = HandledEvents.HANDLED.get() - warmup;
            long elapsed = Math.max(1, HandledEvents.LAST_NANOS.get() - HandledEvents.FIRST_NANOS.get());
            out.println(new ThroughputReport(service.label() + " listen (no-op)", handled, handled * recordSize, 0,
                    elapsed).format());
            out.println(cpu.report(handled + warmup - cpuFrom));
        }
    }

    static void endToEnd(ServiceUnderLoad service, CommandLine options, PrintStream out) throws Exception {
        options.rejectUnknown(known(service, "topic", "rate", "duration", "warmup", "record-size", "trace"));
        if (!options.string("payload", "pojo").equals("pojo")) {
            throw new IllegalArgumentException("e2e needs each event's send time, which only --payload=pojo carries");
        }
        int rate = options.intNumber("rate", 1_000, 1);
        Duration duration = options.duration("duration", Duration.ofSeconds(30));
        // At 1,000 events/s a new client JVM is still compiling its per-event path for about 20 s (seen in per-event
        // traces): a shorter warm-up measures the JIT, not the path a running service has.
        Duration warmup = options.duration("warmup", Duration.ofSeconds(30));
        String note = padding(options.intNumber("record-size", 1024, 64));
        String topic = options.string("topic", "starter-e2e");
        try (ConfigurableApplicationContext context = service.start(options, "e2e-" + System.nanoTime(), 1)) {
            ServiceUnderLoad.Publisher publisher = service.publisher(context);
            publisher.publish(topic, null, new BenchEvent(0, 0, note)).get(30, TimeUnit.SECONDS);
            Thread.sleep(2_000);
            Recorder recorder = new Recorder(3);
            // The acknowledgement splits the latency in two: publisher and broker (linger, batching, the produce
            // round trip) before it, the listener's side (long poll, hand-over, invocation) after it.
            Recorder acknowledged = new Recorder(3);
            long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
            String traceFile = options.string("trace", "");
            EventTrace trace = traceFile.isEmpty() ? null
                    : new EventTrace((int) ((warmup.toNanos() + duration.toNanos()) / intervalNanos) + 1);
            HandledEvents.TRACE.set(trace);
            long start = System.nanoTime();
            long measureFrom = start + warmup.toNanos();
            long end = measureFrom + duration.toNanos();
            long sent = 0;
            for (long next = start; next < end; next += intervalNanos) {
                // Sleeping, not spinning, between events: a spinning pacer would take one of this machine's two
                // cores from the publisher, the broker and the listener, as no service publishing at this rate does.
                for (long wait = next - System.nanoTime(); wait > 0; wait = next - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                if (next >= measureFrom) {
                    HandledEvents.LATENCY.compareAndSet(null, recorder);
                }
                long sentNanos = System.nanoTime();
                boolean timed = next >= measureFrom;
                long id = ++sent;
                if (trace != null) {
                    trace.sent(id, sentNanos);
                }
                publisher.publish(topic, "k" + (sent % 64), new BenchEvent(id, sentNanos, note))
                        .whenComplete((r, e) -> {
                            long now = System.nanoTime();
                            if (trace != null && e == null) {
                                trace.acknowledged(id, now);
                            }
                            if (timed && e == null) {
                                acknowledged.recordValue(Math.max(0, now - sentNanos) / 1_000);
                            }
                        });
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (HandledEvents.HANDLED.get() < sent + 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            var histogram = recorder.getIntervalHistogram();
            out.printf(Locale.ROOT, "%s e2e at %,d events/s: %,d measured, %,d of %,d received; latency p50 %.2f ms,"
                            + " p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n", service.label(), rate,
                    histogram.getTotalCount(), HandledEvents.HANDLED.get() - 1, sent,
                    histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(99) / 1e3,
                    histogram.getValueAtPercentile(99.9) / 1e3, histogram.getMaxValue() / 1e3);
            var acks = acknowledged.getIntervalHistogram();
            out.printf(Locale.ROOT, "%s publish-to-acknowledgement: %,d measured; p50 %.2f ms, p99 %.2f ms,"
                            + " p99.9 %.2f ms%n", service.label(), acks.getTotalCount(),
                    acks.getValueAtPercentile(50) / 1e3, acks.getValueAtPercentile(99) / 1e3,
                    acks.getValueAtPercentile(99.9) / 1e3);
            if (trace != null) {
                trace.write(Path.of(traceFile), sent);
            }
        }
    }

    /** A loop over a share of the events: {@code first}, {@code first + step}, ... */
    private interface Share {
        void run(long first, long step) throws InterruptedException;
    }

    /** Runs {@code share} on {@code threads} threads (the first on this one), each from its own first event. */
    private static void inParallel(int threads, Share share) throws Exception {
        List<Thread> others = new ArrayList<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        for (int t = 2; t <= threads; t++) {
            long first = t;
            Thread thread = new Thread(() -> {
                try {
                    share.run(first, threads);
                } catch (Throwable e) {
                    failed.compareAndSet(null, e);
                }
            }, "publisher-" + t);
            thread.start();
            others.add(thread);
        }
        share.run(1, threads);
        for (Thread thread : others) {
            thread.join();
        }
        if (failed.get() != null) {
            throw new IllegalStateException("a publishing thread failed", failed.get());
        }
    }

    private static Set<String> known(ServiceUnderLoad service, String... own) {
        Set<String> known = new HashSet<>(Set.of(own));
        known.addAll(service.options());
        return known;
    }

    /** A note whose event serializes to exactly {@code recordSize} bytes of JSON. */
    static String padding(int recordSize) {
        JsonMapper mapper = new JsonMapper();
        int base = mapper.writeValueAsBytes(new BenchEvent(1_000_000, 1_000_000_000_000L, "")).length;
        return "x".repeat(Math.max(0, recordSize - base));
    }
}
