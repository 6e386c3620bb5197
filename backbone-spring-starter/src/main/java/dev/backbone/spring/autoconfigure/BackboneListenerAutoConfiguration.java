package dev.backbone.spring.autoconfigure;

import dev.backbone.client.http.BackboneClient;
import dev.backbone.spring.listener.BackboneListenerAnnotationProcessor;
import dev.backbone.spring.listener.BackboneListenerRegistry;
import dev.backbone.spring.listener.BackoffPolicy;
import dev.backbone.spring.listener.DeadLetterPublisher;
import dev.backbone.spring.listener.ListenerContainerFactory;
import dev.backbone.spring.listener.ListenerMetrics;
import dev.backbone.spring.listener.ListenerSettings;
import dev.backbone.spring.listener.ProcessedOffsets;
import dev.backbone.spring.observation.MicrometerListenerMetrics;
import dev.backbone.spring.publish.BatchingPublisher;
import dev.backbone.spring.serde.PayloadSerde;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;

/**
 * Listener containers for {@code @BackboneListener} methods, their registry, dead-lettering and meters.
 */
@AutoConfiguration(after = BackboneAutoConfiguration.class)
@ConditionalOnClass(BackboneClient.class)
public class BackboneListenerAutoConfiguration {

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean
    static BackboneListenerAnnotationProcessor backboneListenerAnnotationProcessor() {
        return new BackboneListenerAnnotationProcessor();
    }

    @Bean
    @ConditionalOnMissingBean
    ProcessedOffsets backboneProcessedOffsets() {
        return new ProcessedOffsets();
    }

    @Bean
    @ConditionalOnMissingBean
    BackboneListenerRegistry backboneListenerRegistry(ProcessedOffsets processed) {
        return new BackboneListenerRegistry(processed);
    }

    @Bean
    @ConditionalOnMissingBean
    DeadLetterPublisher backboneDeadLetterPublisher(ObjectProvider<BatchingPublisher> publisher, BackboneClient client,
                                                    PayloadSerde serde, BackboneProperties properties) {
        BatchingPublisher raw = publisher.getIfAvailable(() -> new BatchingPublisher(client, serde,
                BackboneAutoConfiguration.publisherSettings(properties.getProducer()), ObservationRegistry.NOOP));
        return new DeadLetterPublisher(raw, serde.mapper(), properties.getConsumer().getDeadLetter().getSuffix());
    }

    @Bean
    @ConditionalOnMissingBean
    ListenerContainerFactory backboneListenerContainerFactory(BackboneClient client, PayloadSerde serde,
                                                              BackboneProperties properties,
                                                              DeadLetterPublisher deadLetters,
                                                              ObjectProvider<ListenerMetrics> metrics,
                                                              ObjectProvider<ObservationRegistry> observations,
                                                              ProcessedOffsets processed) {
        return new ListenerContainerFactory(client, serde, listenerSettings(properties), deadLetters,
                metrics.getIfAvailable(() -> ListenerMetrics.NONE),
                observations.getIfUnique(() -> ObservationRegistry.NOOP), processed);
    }

    static ListenerSettings listenerSettings(BackboneProperties properties) {
        BackboneProperties.Consumer consumer = properties.getConsumer();
        BackboneProperties.Retry retry = consumer.getRetry();
        return new ListenerSettings(consumer.getSessionTimeout(), consumer.getHeartbeatInterval(),
                consumer.getMaxWait(), Math.toIntExact(consumer.getMaxBytes().toBytes()),
                properties.getResponseTimeout(), consumer.getShutdownTimeout(),
                new BackoffPolicy(retry.getMaxAttempts(), retry.getInitialBackoff(), retry.getMultiplier(),
                        retry.getMaxBackoff()),
                consumer.getDeadLetter().isEnabled(), consumer.getDeadLetter().getSuffix(),
                consumer.getCommitInterval());
    }

    /** Listener meters, when Micrometer is on the class path and the application has a registry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class ListenerMetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        ListenerMetrics backboneListenerMetrics(ObjectProvider<MeterRegistry> registry) {
            MeterRegistry meters = registry.getIfUnique();
            return meters == null ? ListenerMetrics.NONE : new MicrometerListenerMetrics(meters);
        }
    }
}
