package dev.backbone.server.config;

import dev.backbone.server.error.ProblemMapper;
import dev.backbone.server.error.ProblemWebExceptionHandler;
import dev.backbone.server.health.DataDirectoryHealthIndicator;
import dev.backbone.server.http.BlockingScheduler;
import dev.backbone.server.http.FileSafeScheduler;
import dev.backbone.server.http.FetchService;
import dev.backbone.server.http.HttpLimits;
import dev.backbone.server.http.JsonProduce;
import dev.backbone.server.http.idempotency.IdempotentBatchAppender;
import dev.backbone.server.http.LongPollWaiters;
import dev.backbone.server.http.OpenApiProblems;
import dev.backbone.server.http.ProduceService;
import dev.backbone.server.http.idempotency.IdempotentRequests;
import dev.backbone.server.http.ReadScheduler;
import dev.backbone.server.log.LogConfig;
import dev.backbone.server.log.LogManager;
import dev.backbone.server.log.LogManagerOptions;
import dev.backbone.server.metrics.BackboneMetrics;
import dev.backbone.server.metrics.PartitionMetrics;
import dev.backbone.server.topic.StorageGuard;
import dev.backbone.server.topic.TopicRegistry;
import dev.backbone.server.topic.TopicRegistryOptions;
import dev.backbone.server.topic.TopicReplication;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wires the broker: engine, topic registry, schedulers, services, metrics, health and the problem mapper. The only
 * class that knows how the parts are put together; each part takes plain values.
 *
 * <p>Shutdown order: the long-poll waiters are released first (so parked consumes answer at once instead of
 * holding up the graceful shutdown), then the web server drains in-flight requests, then the beans are destroyed:
 * services, schedulers, registry, and last the {@link LogManager}, whose close writes the clean-shutdown marker.
 */
@Configuration(proxyBeanMethods = false)
class BrokerConfiguration {

    @Bean(destroyMethod = "close")
    LogManager logManager(BackboneProperties properties) throws IOException {
        Files.createDirectories(properties.getDataDir());
        BackboneProperties.Storage storage = properties.getStorage();
        return new LogManager(properties.getDataDir(), new LogManagerOptions(storage.getRetentionCheckInterval(),
                storage.getFileDeleteDelay(), Clock.systemUTC())
                .withMaxOpenSegmentFiles(storage.getMaxOpenSegmentFiles()));
    }

    @Bean
    TopicRegistry topicRegistry(LogManager logManager, BackboneProperties properties,
                                ObjectProvider<TopicReplication> replication) throws IOException {
        BackboneProperties.Topics topics = properties.getTopics();
        LogConfig defaults = LogConfig.DEFAULT.withMaxBatchBytes(
                (int) properties.getLimits().getMaxBatchBytes().toBytes());
        return new TopicRegistry(logManager, new TopicRegistryOptions(topics.isAutoCreate(),
                topics.getDefaultPartitions(), topics.getMaxPartitions(), defaults),
                replication.getIfAvailable(() -> TopicReplication.NONE));
    }

    @Bean
    StorageGuard storageGuard(BackboneProperties properties, LogManager logManager) throws IOException {
        return new StorageGuard(logManager.dataDir(), properties.getStorage().getMinFreeBytes().toBytes());
    }

    @Bean
    BlockingScheduler blockingScheduler(BackboneProperties properties) {
        return new BlockingScheduler(new FileSafeScheduler(properties.getStorage().getBlockingThreads(),
                Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE, "backbone-blocking"));
    }

    @Bean
    ReadScheduler readScheduler(BackboneProperties properties) {
        return new ReadScheduler(new FileSafeScheduler(properties.getStorage().getReadThreads(),
                Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE, "backbone-read"));
    }

    @Bean
    HttpLimits httpLimits(BackboneProperties properties) {
        BackboneProperties.Limits limits = properties.getLimits();
        return new HttpLimits(toInt(limits.getMaxRecordBytes().toBytes()), toInt(limits.getMaxBatchBytes().toBytes()),
                toInt(limits.getMaxRequestBytes().toBytes()), toInt(limits.getDefaultFetchBytes().toBytes()),
                toInt(limits.getMaxFetchBytes().toBytes()), properties.getLongPoll().getMaxWait());
    }

    @Bean
    BackboneMetrics backboneMetrics(MeterRegistry meterRegistry, LogManager logManager) {
        BackboneMetrics metrics = new BackboneMetrics(meterRegistry);
        logManager.addFlushListener((tp, nanos, offsets) -> metrics.recordFsync(nanos));
        metrics.bindOpenSegmentFiles(logManager::openSegmentFiles, logManager.maxOpenSegmentFiles());
        return metrics;
    }

    @Bean
    PartitionMetrics partitionMetrics(MeterRegistry meterRegistry, BackboneMetrics metrics, TopicRegistry registry) {
        PartitionMetrics partitionMetrics = new PartitionMetrics(meterRegistry, metrics);
        registry.addListener(partitionMetrics);
        return partitionMetrics;
    }

    @Bean
    LongPollWaiters longPollWaiters(TopicRegistry registry, BackboneMetrics metrics, BackboneProperties properties) {
        LongPollWaiters waiters = new LongPollWaiters(properties.getLimits().getMaxWaitersPerPrincipal());
        registry.addListener(waiters);
        metrics.bindLongPollsWaiting(waiters::waiting);
        return waiters;
    }

    @Bean
    SmartLifecycle longPollRelease(LongPollWaiters waiters) {
        return new LongPollRelease(waiters);
    }

    @Bean
    ProduceService produceService(TopicRegistry registry, StorageGuard guard, BlockingScheduler blocking,
                                  HttpLimits limits, BackboneMetrics metrics, IdempotentBatchAppender producerState) {
        return new ProduceService(registry, guard, blocking.scheduler(), limits, metrics, Clock.systemUTC(),
                producerState);
    }

    @Bean
    JsonProduce jsonProduce(ProduceService produceService, HttpLimits limits, IdempotentRequests idempotency) {
        return new JsonProduce(produceService, limits, idempotency);
    }

    @Bean
    FetchService fetchService(TopicRegistry registry, LongPollWaiters waiters, ReadScheduler read) {
        return new FetchService(registry, waiters, read.scheduler());
    }

    @Bean
    ProblemMapper problemMapper() {
        return new ProblemMapper();
    }

    @Bean
    ProblemWebExceptionHandler problemWebExceptionHandler(ProblemMapper mapper, ObjectProvider<JsonMapper> json) {
        return new ProblemWebExceptionHandler(mapper, json.getIfAvailable(() -> JsonMapper.builder().build()));
    }

    @Bean
    OpenApiProblems openApiProblems() {
        return new OpenApiProblems();
    }

    @Bean("dataDirectory")
    DataDirectoryHealthIndicator dataDirectoryHealthIndicator(StorageGuard guard) {
        return new DataDirectoryHealthIndicator(guard);
    }

    private static int toInt(long bytes) {
        if (bytes > Integer.MAX_VALUE || bytes < 1) {
            throw new IllegalArgumentException("a size limit must be between 1 byte and 2 GiB - 1, was " + bytes);
        }
        return (int) bytes;
    }

    /** Releases parked long polls when shutdown begins, before the web server waits for in-flight requests. */
    static final class LongPollRelease implements SmartLifecycle {
        private final LongPollWaiters waiters;
        private volatile boolean running;

        LongPollRelease(LongPollWaiters waiters) {
            this.waiters = waiters;
        }

        @Override
        public void start() {
            running = true;
        }

        @Override
        public void stop() {
            waiters.close();
            running = false;
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        /** Stops before the web server's graceful shutdown phase. */
        @Override
        public int getPhase() {
            return SmartLifecycle.DEFAULT_PHASE;
        }
    }
}
