package dev.backbone.bench.starter;

import java.util.concurrent.CompletableFuture;

import dev.backbone.bench.load.CommandLine;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring service as a load run drives it: the same event, the same no-op listener method and the same publish
 * loop, on one messaging framework or another.
 */
interface ServiceUnderLoad {

    /** How a report line names this service. */
    String label();

    /** The options this service reads beyond the run's own. */
    java.util.Set<String> options();

    /**
     * Starts the service's Spring context.
     *
     * @param options     the command line
     * @param group       the listener's consumer group, or null for a service that only publishes
     * @param concurrency listener threads
     */
    ConfigurableApplicationContext start(CommandLine options, String group, int concurrency);

    /** The started service's way to publish, looked up once. */
    Publisher publisher(ConfigurableApplicationContext context);

    /** Publishes one event the framework's way; the future completes when the broker acknowledged it. */
    @FunctionalInterface
    interface Publisher {
        CompletableFuture<?> publish(String topic, String key, BenchEvent event);
    }
}
