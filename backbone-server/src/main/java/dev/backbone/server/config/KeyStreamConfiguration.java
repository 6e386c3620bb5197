package dev.backbone.server.config;

import dev.backbone.server.http.BlockingScheduler;
import dev.backbone.server.http.ProduceService;
import dev.backbone.server.http.ReadScheduler;
import dev.backbone.server.http.keys.KeyStreamService;
import dev.backbone.server.stream.KeyHasher;
import dev.backbone.server.stream.KeyStreams;
import dev.backbone.server.topic.TopicRegistry;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires key streams: one key index per partition of every user topic, kept in step with the log by the engine's
 * append observers, and the service behind the key stream endpoints.
 *
 * <p>Shutdown order: the service goes first, then {@link KeyStreams} closes every index (saving its table), then
 * the topic registry and the log manager close.
 */
@Configuration(proxyBeanMethods = false)
class KeyStreamConfiguration {

    /** Runs the rare background catch-up of an index that found a gap after opening. */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService keyIndexCatchUpExecutor() {
        return Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "backbone-key-index-catch-up");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Bean(destroyMethod = "close")
    KeyStreams keyStreams(TopicRegistry registry, ExecutorService keyIndexCatchUpExecutor) {
        KeyStreams keyStreams = new KeyStreams(KeyHasher.XXH64, keyIndexCatchUpExecutor);
        // Opens and catches up the index of every existing partition now, before the server takes requests.
        registry.addListener(keyStreams);
        return keyStreams;
    }

    @Bean
    KeyStreamService keyStreamService(TopicRegistry registry, KeyStreams keyStreams, ProduceService produceService,
                                      BlockingScheduler blocking, ReadScheduler read) {
        return new KeyStreamService(registry, keyStreams, produceService, blocking.scheduler(), read.scheduler());
    }
}
