package dev.backbone.spring.autoconfigure;

import dev.backbone.client.batch.CompressionCodec;
import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.BackboneClientSettings;
import dev.backbone.client.http.BackboneCredentials;
import dev.backbone.client.http.Flush;
import dev.backbone.client.http.RetrySettings;
import dev.backbone.spring.eventstore.BackboneEventStore;
import dev.backbone.spring.eventstore.EventStore;
import dev.backbone.spring.publish.BackbonePublisher;
import dev.backbone.spring.publish.BatchingPublisher;
import dev.backbone.spring.publish.PublisherSettings;
import dev.backbone.spring.publish.ReactiveBackbonePublisher;
import dev.backbone.spring.serde.EventTypes;
import dev.backbone.spring.serde.PayloadSerde;
import io.micrometer.observation.ObservationRegistry;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The broker client, the payload serde, the publisher and the event store of a Backbone service. Every bean backs
 * off when the application defines its own.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass(BackboneClient.class)
@EnableConfigurationProperties(BackboneProperties.class)
public class BackboneAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    BackboneClient backboneClient(BackboneProperties properties, ObjectProvider<BackboneCredentials> credentials) {
        BackboneProperties.RequestRetry retry = properties.getRequestRetry();
        String token = properties.getAuth().getToken();
        BackboneCredentials fallback = token == null || token.isBlank() ? BackboneCredentials.NONE : () -> token;
        return new BackboneClient(BackboneClientSettings.builder(properties.getUrl())
                .connectTimeout(properties.getConnectTimeout())
                .responseTimeout(properties.getResponseTimeout())
                .maxConnections(properties.getMaxConnections())
                .retry(new RetrySettings(retry.getMaxAttempts(), retry.getInitialBackoff(), retry.getMaxBackoff(),
                        retry.getMultiplier()))
                .credentials(credentials.getIfAvailable(() -> fallback))
                .build());
    }

    @Bean
    @ConditionalOnMissingBean
    EventTypes backboneEventTypes() {
        return new EventTypes();
    }

    @Bean
    @ConditionalOnMissingBean
    PayloadSerde backbonePayloadSerde(ObjectProvider<JsonMapper> mapper, EventTypes eventTypes) {
        return new PayloadSerde(mapper.getIfAvailable(JsonMapper::new), eventTypes);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(BackbonePublisher.class)
    BatchingPublisher backbonePublisher(BackboneClient client, PayloadSerde serde, BackboneProperties properties,
                                        ObjectProvider<ObservationRegistry> observations) {
        return new BatchingPublisher(client, serde, publisherSettings(properties.getProducer()),
                observations.getIfUnique(() -> ObservationRegistry.NOOP));
    }

    static PublisherSettings publisherSettings(BackboneProperties.Producer producer) {
        Flush flush = producer.getFlush() == null ? null : Flush.valueOf(producer.getFlush().name());
        return new PublisherSettings(producer.getLinger(), producer.isLingerWhenIdle(),
                Math.toIntExact(producer.getBatchSize().toBytes()), producer.getMaxInFlight(),
                producer.getBufferSize().toBytes(), flush, producer.getDeliveryTimeout(),
                CompressionCodec.valueOf(producer.getCompression().name()));
    }

    @Bean
    @ConditionalOnMissingBean(EventStore.class)
    BackboneEventStore backboneEventStore(BackboneClient client, PayloadSerde serde, BackboneProperties properties) {
        return new BackboneEventStore(client, serde, properties.getResponseTimeout());
    }

    /** The Mono-returning publisher, when Reactor is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Mono.class)
    static class ReactivePublisherConfiguration {

        @Bean
        @ConditionalOnMissingBean
        ReactiveBackbonePublisher reactiveBackbonePublisher(BackbonePublisher publisher) {
            return new ReactiveBackbonePublisher(publisher);
        }
    }
}
