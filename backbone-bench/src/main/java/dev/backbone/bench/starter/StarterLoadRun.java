package dev.backbone.bench.starter;

import java.util.List;
import java.util.Set;

import dev.backbone.bench.load.CommandLine;
import dev.backbone.spring.autoconfigure.BackboneAutoConfiguration;
import dev.backbone.spring.autoconfigure.BackboneListenerAutoConfiguration;
import dev.backbone.spring.listener.BackboneListener;
import dev.backbone.spring.publish.BackbonePublisher;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Load through the Spring starter, for comparison with the load generator's raw binary runs on the same broker and
 * with {@link SpringKafkaLoadRun}: {@code StarterLoadRun publish|listen|e2e --broker=http://127.0.0.1:18080
 * [--linger=5ms] [--payload=pojo|bytes] [--option=value ...]} (modes and options: {@link ServiceLoadRun}).
 *
 * <p>{@code --payload=bytes} takes Jackson out of the run, to tell the container's cost from Jackson's: the listener
 * method takes the value as {@code byte[]}, and the publisher is given the JSON of one event, written once, as a
 * {@code byte[]} payload for every record (the same 1 KiB on the wire). Publish and listen only: the latency run
 * needs each event's send time, which only the POJO carries.
 */
public final class StarterLoadRun implements ServiceUnderLoad {

    /** The no-op or timing listener. */
    public static final class BenchListener {

        @BackboneListener(topics = "${bench.topic}", group = "${bench.group}", concurrency = "${bench.concurrency}")
        void on(BenchEvent event) {
            HandledEvents.handled(event);
        }
    }

    /** The no-op listener of {@code --payload=bytes}: the value as it is, no Jackson. */
    public static final class BytesBenchListener {

        @BackboneListener(topics = "${bench.topic}", group = "${bench.group}", concurrency = "${bench.concurrency}")
        void on(byte[] value) {
            HandledEvents.handled(0);
        }
    }

    /** What every run's service has: the application's Jackson and the starter. */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({JacksonAutoConfiguration.class, BackboneAutoConfiguration.class,
            BackboneListenerAutoConfiguration.class})
    static class BackboneService {
    }

    @Configuration(proxyBeanMethods = false)
    @Import(BackboneService.class)
    static class PublisherService {
    }

    @Configuration(proxyBeanMethods = false)
    @Import(BackboneService.class)
    static class ListenerService {

        @Bean
        BenchListener benchListener() {
            return new BenchListener();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Import(BackboneService.class)
    static class BytesListenerService {

        @Bean
        BytesBenchListener bytesBenchListener() {
            return new BytesBenchListener();
        }
    }

    private boolean bytes;

    public static void main(String[] args) throws Exception {
        ServiceLoadRun.main(new StarterLoadRun(), args);
    }

    @Override
    public String label() {
        return "starter";
    }

    @Override
    public Set<String> options() {
        return Set.of("broker", "linger", "payload");
    }

    @Override
    public ConfigurableApplicationContext start(CommandLine options, String group, int concurrency) {
        String payload = options.string("payload", "pojo");
        if (!payload.equals("pojo") && !payload.equals("bytes")) {
            throw new IllegalArgumentException("--payload must be pojo or bytes, not " + payload);
        }
        bytes = payload.equals("bytes");
        List<String> properties = List.of(
                "backbone.url=" + options.string("broker", "http://127.0.0.1:18080"),
                "backbone.producer.linger=" + options.string("linger", "5ms"),
                "backbone.consumer.max-bytes=4MB",
                "backbone.consumer.max-wait=1s",
                "backbone.consumer.heartbeat-interval=500ms",
                "bench.topic=" + options.string("topic", "starter-bench"),
                "bench.group=" + (group == null ? "unused" : group),
                "bench.concurrency=" + concurrency,
                "logging.level.root=WARN");
        Class<?> service = group == null ? PublisherService.class
                : bytes ? BytesListenerService.class : ListenerService.class;
        return new SpringApplicationBuilder(service)
                .web(WebApplicationType.NONE).properties(properties.toArray(String[]::new)).run();
    }

    @Override
    public Publisher publisher(ConfigurableApplicationContext context) {
        BackbonePublisher publisher = context.getBean(BackbonePublisher.class);
        if (!bytes) {
            return publisher::publish;
        }
        return new Publisher() {
            private byte[] json;

            @Override
            public java.util.concurrent.CompletableFuture<?> publish(String topic, String key, BenchEvent event) {
                // One event's JSON, written once: the same bytes on the wire as a POJO run, without Jackson.
                if (json == null) {
                    json = context.getBean(JsonMapper.class).writeValueAsBytes(
                            new BenchEvent(1_000_000, event.sentNanos(), event.note()));
                }
                return publisher.publish(topic, key, json);
            }
        };
    }
}
