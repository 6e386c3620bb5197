package dev.backbone.bench.starter;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.backbone.bench.load.CommandLine;
import dev.backbone.bench.load.ThroughputReport;
import dev.backbone.spring.autoconfigure.BackboneAutoConfiguration;
import dev.backbone.spring.autoconfigure.BackboneListenerAutoConfiguration;
import dev.backbone.spring.listener.BackboneListener;
import dev.backbone.spring.publish.BackbonePublisher;
import dev.backbone.spring.serde.EventType;
import org.HdrHistogram.Recorder;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Load through the Spring starter, for comparison with the load generator's raw binary runs on the same broker:
 * {@code StarterLoadRun publish|listen|e2e [--option=value ...]}. Events are POJOs whose JSON is exactly
 * {@code --record-size} bytes, so the bytes on the wire match a raw run with the same record size.
 *
 * <ul>
 *   <li>{@code publish --broker= --topic= --records=200k --record-size=1024 --max-outstanding=20000
 *       --warmup=15s}: {@link BackbonePublisher} as fast as the futures come back, timed after an untimed
 *       warm-up;</li>
 *   <li>{@code listen --broker= --topic= --records=N --timeout=120s}: a no-op {@code @BackboneListener} in a new
 *       group reads N records already in the topic (from the first record handled to the Nth);</li>
 *   <li>{@code e2e --broker= --topic= --rate=1000 --duration=30s --warmup=5s}: publish at a fixed rate, a listener
 *       in the same JVM records publish-to-handler latency.</li>
 * </ul>
 * Every run is bounded by a record count or a duration.
 */
public final class StarterLoadRun {

    /** The event published: a POJO padded so that its JSON has the requested size. */
    @EventType("bench.event")
    public record BenchEvent(long id, long sentNanos, String note) {
    }

    /** The no-op or timing listener. */
    public static final class BenchListener {

        static final AtomicLong HANDLED = new AtomicLong();

        static final AtomicLong FIRST_NANOS = new AtomicLong();

        static final AtomicLong LAST_NANOS = new AtomicLong();

        static final AtomicReference<Recorder> LATENCY = new AtomicReference<>();

        @BackboneListener(topics = "${bench.topic}", group = "${bench.group}", concurrency = "${bench.concurrency}")
        void on(BenchEvent event) {
            long now = System.nanoTime();
            FIRST_NANOS.compareAndSet(0, now);
            Recorder recorder = LATENCY.get();
            if (recorder != null && event.sentNanos() > 0) {
                recorder.recordValue(Math.max(0, now - event.sentNanos()) / 1_000);
            }
            HANDLED.incrementAndGet();
            LAST_NANOS.set(now);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({JacksonAutoConfiguration.class, BackboneAutoConfiguration.class,
            BackboneListenerAutoConfiguration.class})
    static class PublisherService {
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({JacksonAutoConfiguration.class, BackboneAutoConfiguration.class,
            BackboneListenerAutoConfiguration.class})
    static class ListenerService {

        @org.springframework.context.annotation.Bean
        BenchListener benchListener() {
            return new BenchListener();
        }
    }

    private StarterLoadRun() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: StarterLoadRun publish|listen|e2e --broker=http://127.0.0.1:18080 ...");
            System.exit(2);
        }
        CommandLine options = CommandLine.parse(Arrays.asList(args).subList(1, args.length));
        switch (args[0]) {
            case "publish" -> publish(options, System.out);
            case "listen" -> listen(options, System.out);
            case "e2e" -> endToEnd(options, System.out);
            default -> {
                System.err.println("unknown mode " + args[0]);
                System.exit(2);
            }
        }
        System.exit(0);
    }

    static void publish(CommandLine options, PrintStream out) throws Exception {
        options.rejectUnknown(Set.of("broker", "topic", "records", "record-size", "max-outstanding", "linger",
                "warmup"));
        long records = options.number("records", 200_000, 1);
        int recordSize = options.intNumber("record-size", 1024, 64);
        Semaphore outstanding = new Semaphore(options.intNumber("max-outstanding", 20_000, 1));
        try (ConfigurableApplicationContext context = start(PublisherService.class, options, "unused", 1)) {
            BackbonePublisher publisher = context.getBean(BackbonePublisher.class);
            String note = padding(recordSize);
            String topic = options.string("topic", "starter-publish");
            AtomicReference<Throwable> failure = new AtomicReference<>();
            // Untimed: C2 compiles Jackson's, Reactor Netty's and the publisher's paths in the first seconds.
            long warmupEnd = System.nanoTime() + options.duration("warmup", Duration.ofSeconds(15)).toNanos();
            for (long i = 0; System.nanoTime() < warmupEnd; i++) {
                outstanding.acquire();
                publisher.publish(topic, new BenchEvent(i, 1_000_000_000_000L, note))
                        .whenComplete((r, e) -> outstanding.release());
            }
            publisher.publish(topic, new BenchEvent(0, 0, note)).get(30, TimeUnit.SECONDS);
            ProcessCpu cpu = new ProcessCpu();
            long start = System.nanoTime();
            for (long i = 1; i <= records; i++) {
                outstanding.acquire();
                publisher.publish(topic, new BenchEvent(i, 1_000_000_000_000L, note)).whenComplete((r, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                    outstanding.release();
                });
            }
            int permits = options.intNumber("max-outstanding", 20_000, 1);
            if (!outstanding.tryAcquire(permits, 120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("publishes still outstanding after 120 s");
            }
            long elapsed = System.nanoTime() - start;
            if (failure.get() != null) {
                throw new IllegalStateException("a publish failed", failure.get());
            }
            out.println(new ThroughputReport("starter publish", records, records * recordSize, 0, elapsed).format());
            out.println(cpu.report(records));
        }
    }

    static void listen(CommandLine options, PrintStream out) throws Exception {
        options.rejectUnknown(Set.of("broker", "topic", "records", "timeout", "group", "concurrency", "record-size"));
        long records = options.number("records", 200_000, 1);
        int recordSize = options.intNumber("record-size", 1024, 64);
        Duration timeout = options.duration("timeout", Duration.ofSeconds(120));
        String group = options.string("group", "bench-" + System.nanoTime());
        try (ConfigurableApplicationContext context = start(ListenerService.class, options, group,
                options.intNumber("concurrency", 1, 1))) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (BenchListener.HANDLED.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            ProcessCpu cpu = new ProcessCpu();
            long cpuFrom = BenchListener.HANDLED.get();
            while (BenchListener.HANDLED.get() < records && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long handled = BenchListener.HANDLED.get();
            long elapsed = Math.max(1, BenchListener.LAST_NANOS.get() - BenchListener.FIRST_NANOS.get());
            out.println(new ThroughputReport("starter listen (no-op)", handled, handled * recordSize, 0, elapsed)
                    .format());
            out.println(cpu.report(handled - cpuFrom));
        }
    }

    static void endToEnd(CommandLine options, PrintStream out) throws Exception {
        options.rejectUnknown(Set.of("broker", "topic", "rate", "duration", "warmup", "record-size", "linger"));
        int rate = options.intNumber("rate", 1_000, 1);
        Duration duration = options.duration("duration", Duration.ofSeconds(30));
        Duration warmup = options.duration("warmup", Duration.ofSeconds(5));
        String note = padding(options.intNumber("record-size", 1024, 64));
        String topic = options.string("topic", "starter-e2e");
        try (ConfigurableApplicationContext context = start(ListenerService.class, options,
                "e2e-" + System.nanoTime(), 1)) {
            BackbonePublisher publisher = context.getBean(BackbonePublisher.class);
            publisher.publish(topic, new BenchEvent(0, 0, note)).get(30, TimeUnit.SECONDS);
            Thread.sleep(2_000);
            Recorder recorder = new Recorder(3);
            long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
            long start = System.nanoTime();
            long measureFrom = start + warmup.toNanos();
            long end = measureFrom + duration.toNanos();
            long sent = 0;
            for (long next = start; next < end; next += intervalNanos) {
                while (System.nanoTime() < next) {
                    Thread.onSpinWait();
                }
                if (next >= measureFrom) {
                    BenchListener.LATENCY.compareAndSet(null, recorder);
                }
                publisher.publish(topic, "k" + (sent % 64), new BenchEvent(++sent, System.nanoTime(), note));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (BenchListener.HANDLED.get() < sent + 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            var histogram = recorder.getIntervalHistogram();
            out.printf(Locale.ROOT, "starter e2e at %,d events/s: %,d measured, %,d of %,d received; latency p50 %.2f ms,"
                            + " p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n", rate, histogram.getTotalCount(),
                    BenchListener.HANDLED.get() - 1, sent, histogram.getValueAtPercentile(50) / 1e3,
                    histogram.getValueAtPercentile(99) / 1e3, histogram.getValueAtPercentile(99.9) / 1e3,
                    histogram.getMaxValue() / 1e3);
        }
    }

    private static ConfigurableApplicationContext start(Class<?> service, CommandLine options, String group,
                                                        int concurrency) {
        List<String> properties = List.of(
                "backbone.url=" + options.string("broker", "http://127.0.0.1:18080"),
                "backbone.producer.linger=" + options.string("linger", "5ms"),
                "backbone.consumer.max-bytes=4MB",
                "backbone.consumer.max-wait=1s",
                "backbone.consumer.heartbeat-interval=500ms",
                "bench.topic=" + options.string("topic", "starter-bench"),
                "bench.group=" + group,
                "bench.concurrency=" + concurrency,
                "logging.level.root=WARN");
        return new SpringApplicationBuilder(service).web(WebApplicationType.NONE)
                .properties(properties.toArray(String[]::new)).run();
    }

    /** A note whose event serializes to exactly {@code recordSize} bytes of JSON. */
    static String padding(int recordSize) {
        JsonMapper mapper = new JsonMapper();
        int base = mapper.writeValueAsBytes(new BenchEvent(1_000_000, 1_000_000_000_000L, "")).length;
        return "x".repeat(Math.max(0, recordSize - base));
    }
}
