package dev.backbone.spring.testing;

import dev.backbone.spring.autoconfigure.BackboneAuditAutoConfiguration;
import dev.backbone.spring.autoconfigure.BackboneAutoConfiguration;
import dev.backbone.spring.autoconfigure.BackboneHealthAutoConfiguration;
import dev.backbone.spring.autoconfigure.BackboneListenerAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Application contexts with the starter's auto-configuration, pointed at a broker, with timings short enough for
 * tests (heartbeats every 200 ms, 2 s sessions, 500 ms long polls).
 */
public final class StarterContexts {

    private StarterContexts() {
    }

    public static ApplicationContextRunner runner(String brokerUrl) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
                        BackboneAutoConfiguration.class, BackboneListenerAutoConfiguration.class,
                        BackboneAuditAutoConfiguration.class, BackboneHealthAutoConfiguration.class))
                .withPropertyValues("backbone.url=" + brokerUrl,
                        "backbone.consumer.heartbeat-interval=200ms",
                        "backbone.consumer.session-timeout=2s",
                        "backbone.consumer.max-wait=500ms",
                        "backbone.consumer.retry.initial-backoff=20ms",
                        "backbone.consumer.retry.max-backoff=100ms",
                        "backbone.producer.delivery-timeout=10s");
    }
}
