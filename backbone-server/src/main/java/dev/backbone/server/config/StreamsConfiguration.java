package dev.backbone.server.config;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.backbone.server.error.ProblemMapper;
import dev.backbone.server.http.FetchService;
import dev.backbone.server.http.HttpLimits;
import dev.backbone.server.http.ProduceController;
import dev.backbone.server.http.ProduceService;
import dev.backbone.server.http.cloudevents.CloudEventJson;
import dev.backbone.server.http.cloudevents.CloudEventsConsumeHandler;
import dev.backbone.server.http.cloudevents.CloudEventsController;
import dev.backbone.server.http.idempotency.IdempotencyCache;
import dev.backbone.server.http.idempotency.IdempotencyJournal;
import dev.backbone.server.http.idempotency.IdempotentBatchAppender;
import dev.backbone.server.http.idempotency.IdempotentRequests;
import dev.backbone.server.http.stream.LiveStreamSettings;
import dev.backbone.server.http.stream.NdjsonAnswerLimit;
import dev.backbone.server.http.stream.NdjsonProducer;
import dev.backbone.server.http.stream.RecordFollower;
import dev.backbone.server.http.stream.StreamsOpenApi;
import dev.backbone.server.topic.Topic;
import dev.backbone.server.topic.TopicListener;
import dev.backbone.server.topic.TopicRegistry;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wiring of CloudEvents, streaming produce and consume, and idempotent produce.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({StreamingProperties.class, IdempotencyProperties.class})
class StreamsConfiguration {

    private static final System.Logger LOG = System.getLogger(StreamsConfiguration.class.getName());

    @Bean
    CloudEventJson cloudEventJson(ObjectProvider<JsonMapper> json) {
        return new CloudEventJson(json.getIfAvailable(() -> JsonMapper.builder().build()));
    }

    @Bean
    StreamsOpenApi streamsOpenApi() {
        return new StreamsOpenApi();
    }

    @Bean
    CloudEventsConsumeHandler cloudEventsConsumeHandler(FetchService fetchService, HttpLimits limits,
                                                        CloudEventJson json) {
        return new CloudEventsConsumeHandler(fetchService, limits, json);
    }

    /**
     * Functional routes are not in the OpenAPI document: springdoc would let them replace the annotated operation on
     * the same path and method. The annotated operations' descriptions mention them instead.
     */
    @Bean
    RouterFunction<ServerResponse> cloudEventsConsumeRoute(CloudEventsConsumeHandler handler) {
        return RouterFunctions.route(RequestPredicates.GET(CloudEventsConsumeHandler.PATH)
                .and(CloudEventsConsumeHandler.acceptsCloudEventsBatch()), handler::consume);
    }

    @Bean
    RouterFunction<ServerResponse> cloudEventsBinaryModeRoute(CloudEventsController controller) {
        return RouterFunctions.route(CloudEventsController.isBinaryMode(), controller::produceBinary);
    }

    /**
     * The Idempotency-Key cache; with the journal on (the default), also the internal topic that keeps its answers
     * across restarts, created or brought to the current window, and the answers of the last window read back.
     */
    @Bean
    IdempotencyCache idempotencyCache(IdempotencyProperties properties, TopicRegistry registry,
                                      ObjectProvider<JsonMapper> json, ObjectProvider<Clock> clock) throws IOException {
        if (!properties.isJournal()) {
            return new IdempotencyCache(properties.getWindow(), properties.getMaxKeys());
        }
        IdempotencyJournal journal = new IdempotencyJournal(
                journalTopic(registry, properties.getWindow().toMillis()).partition(0),
                json.getIfAvailable(() -> JsonMapper.builder().build()), clock.getIfAvailable(Clock::systemUTC),
                Map.of("produce", ProduceController.ProduceResponse.class,
                        "batches", IdempotentBatchAppender.Result.class));
        IdempotencyCache cache = new IdempotencyCache(properties.getWindow(), properties.getMaxKeys(), journal);
        int restored = journal.restoreInto(cache);
        LOG.log(System.Logger.Level.INFO, "restored {0} idempotency key(s) from {1}", restored,
                IdempotencyJournal.TOPIC);
        return cache;
    }

    private static Topic journalTopic(TopicRegistry registry, long windowMs) {
        Map<String, String> config = IdempotencyJournal.topicConfig(windowMs);
        Topic topic = registry.findOrCreate(IdempotencyJournal.TOPIC, 1, config);
        if (!topic.config().overrides().equals(config)) {
            // The window changed since the topic was created: retention follows it.
            registry.alterConfig(IdempotencyJournal.TOPIC, config);
            return registry.require(IdempotencyJournal.TOPIC);
        }
        return topic;
    }

    @Bean
    NdjsonAnswerLimit ndjsonAnswerLimit(IdempotencyProperties properties) {
        return new NdjsonAnswerLimit(toInt(properties.getMaxStreamAnswerBytes().toBytes()));
    }

    @Bean
    IdempotentRequests idempotentRequests(IdempotencyCache cache) {
        return new IdempotentRequests(cache);
    }

    @Bean
    IdempotentBatchAppender idempotentBatchAppender(IdempotencyProperties properties, TopicRegistry registry) {
        IdempotentBatchAppender appender = new IdempotentBatchAppender(properties.getMaxProducersPerPartition());
        registry.addListener(new TopicListener() {
            @Override
            public void topicCreated(Topic topic) {
            }

            @Override
            public void topicDeleted(String name) {
                appender.forgetTopic(name);
            }
        });
        return appender;
    }

    @Bean
    LiveStreamSettings liveStreamSettings(StreamingProperties properties, HttpLimits limits) {
        Duration pollWait = properties.getPollWait().compareTo(limits.maxWait()) > 0
                ? limits.maxWait() : properties.getPollWait();
        return new LiveStreamSettings(properties.getHeartbeat(), pollWait,
                (int) Math.min(limits.maxFetchBytes(), properties.getFetchBytes().toBytes()));
    }

    @Bean
    RecordFollower recordFollower(FetchService fetchService, LiveStreamSettings settings) {
        return new RecordFollower(fetchService, settings.pollWait(), settings.fetchBytes());
    }

    @Bean
    NdjsonProducer ndjsonProducer(ProduceService produceService, ProblemMapper problemMapper,
                                  ObjectProvider<JsonMapper> json, StreamingProperties properties, HttpLimits limits) {
        return new NdjsonProducer(produceService, problemMapper, json.getIfAvailable(() -> JsonMapper.builder().build()),
                new NdjsonProducer.Limits(toInt(properties.getMaxLineBytes().toBytes()), limits.maxRecordBytes(),
                        properties.getBatchRecords(), toInt(properties.getBatchBytes().toBytes())));
    }

    private static int toInt(long bytes) {
        return (int) Math.min(Integer.MAX_VALUE - 8, bytes);
    }
}
