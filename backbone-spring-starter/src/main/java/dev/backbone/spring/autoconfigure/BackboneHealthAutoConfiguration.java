package dev.backbone.spring.autoconfigure;

import dev.backbone.client.http.BackboneClient;
import dev.backbone.spring.observation.BackboneHealthIndicator;
import dev.backbone.spring.publish.BatchingPublisher;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code backbone} health indicator, when Spring Boot's health support is on the class path. Off with
 * {@code management.health.backbone.enabled=false}.
 */
@AutoConfiguration(after = BackboneAutoConfiguration.class)
@ConditionalOnClass({BackboneClient.class, HealthIndicator.class})
@ConditionalOnEnabledHealthIndicator("backbone")
public class BackboneHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "backboneHealthIndicator")
    BackboneHealthIndicator backboneHealthIndicator(BackboneClient client, ObjectProvider<BatchingPublisher> publisher,
                                                    BackboneProperties properties) {
        return new BackboneHealthIndicator(client, publisher.getIfAvailable(), properties.getConnectTimeout()
                .plus(properties.getResponseTimeout()));
    }
}
