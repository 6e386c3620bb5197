package dev.backbone.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.server.http.edge.FastPathDecorator;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;

/**
 * With security on, the fast path stays off (it would skip authentication and ACLs), so a JSON produce to a topic
 * goes through Spring Security like every other request: refused without a key, appended with one.
 */
class FastPathUnderSecurityTest extends SecuredBrokerTest {

    @Autowired
    ApplicationContext context;

    @Test
    void jsonProduceIsAuthenticatedAndTheFastPathIsOff() {
        FastPathDecorator decorator = context.getBean(FastPathDecorator.class);
        assertThat(decorator.installed()).isFalse();
        assertThat(decorator.refusal()).contains("security is on");

        String records = "{\"records\":[{\"value\":1}]}";
        client().post().uri("/v1/topics/fp-secured/records").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(records).exchange().expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        root().post().uri("/v1/topics/fp-secured/records").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(records).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.offsets[0].offset").isEqualTo(0);
    }
}
