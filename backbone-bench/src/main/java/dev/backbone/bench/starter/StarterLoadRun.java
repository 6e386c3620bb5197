package dev.backbone.bench.starter;

import java.util.List;
import java.util.Set;

import dev.backbone.bench.load.CommandLine;
import dev.backbone.spring.autoconfigure.BackboneAutoConfiguration;
import dev.backbone.spring.autoconfigure.BackboneListenerAutoConfiguration;
import dev.backbone.spring.listener.BackboneListener;
import dev.backbone.spring.publish.BackbonePublisher;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Load through the Spring starter, for comparison with the load generator's raw binary runs on the same broker and
 * with {@link SpringKafkaLoadRun}: {@code StarterLoadRun publish|listen|e2e --broker=http://127.0.0.1:18080
 * [--linger=5ms] [--option=value ...]} (modes and options: {@link ServiceLoadRun}).
 */
public final class StarterLoadRun implements ServiceUnderLoad {

    /** The no-op or timing listener. */
    public static final class BenchListener {

        @BackboneListener(topics = "${bench.topic}", group = "${bench.group}", concurrency = "${bench.concurrency}")
        void on(BenchEvent event) {
            HandledEvents.handled(event);
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

        @Bean
        BenchListener benchListener() {
            return new BenchListener();
        }
    }

    public static void main(String[] args) throws Exception {
        ServiceLoadRun.main(new StarterLoadRun(), args);
    }

    @Override
    public String label() {
        return "starter";
    }

    @Override
    public Set<String> options() {
        return Set.of("broker", "linger");
    }

    @Override
    public ConfigurableApplicationContext start(CommandLine options, String group, int concurrency) {
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
        return new SpringApplicationBuilder(group == null ? PublisherService.class : ListenerService.class)
                .web(WebApplicationType.NONE).properties(properties.toArray(String[]::new)).run();
    }

    @Override
    public Publisher publisher(ConfigurableApplicationContext context) {
        BackbonePublisher publisher = context.getBean(BackbonePublisher.class);
        return publisher::publish;
    }
}
