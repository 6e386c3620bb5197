package dev.backbone.spring.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.backbone.spring.testing.StarterContexts;
import dev.backbone.test.EmbeddedBackbone;
import dev.backbone.test.EmbeddedBroker;
import org.junit.jupiter.api.Test;

/**
 * {@code backbone.auth.token} against a broker in {@code enforce} mode: with the API key the publisher's records
 * are stored; without it the publish fails with the broker's 401 {@code unauthenticated}. The key is a fixed test
 * value, configured by its SHA-256; the topic is created by the first publish (the principal is a super-user).
 */
@EmbeddedBackbone(properties = {
        "backbone.security.mode=enforce",
        "backbone.security.super-users=service",
        "backbone.security.api-keys[0].principal=service",
        "backbone.security.api-keys[0].hash=3169225ec7bfc5a61d04b5bdcf423eb01cbe92474e632cf70a3ac450ed03f7fd"})
class AuthTokenPublishTest {

    private static final String SERVICE_KEY = "bb_c2VjdXJpdHktdGVzdC1rZXktZm9yLXRoZS1jbGllbnQ";

    @Test
    void theConfiguredTokenAuthenticatesThePublisher(EmbeddedBroker broker) {
        StarterContexts.runner(broker.url()).withPropertyValues("backbone.auth.token=" + SERVICE_KEY)
                .run(context -> assertThat(context.getBean(BackbonePublisher.class).publish("authenticated", "e-1")
                        .get(10, TimeUnit.SECONDS).offset()).isZero());
        StarterContexts.runner(broker.url()).run(context -> assertThatThrownBy(() -> context
                .getBean(BackbonePublisher.class).publish("authenticated", "e-2").get(20, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasStackTraceContaining("unauthenticated"));
    }
}
