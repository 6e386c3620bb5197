package dev.backbone.test.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.client.http.AccessDeniedException;
import dev.backbone.client.http.AuthenticationException;
import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.BackboneClientSettings;
import dev.backbone.client.http.BackboneCredentials;
import dev.backbone.client.http.FetchOptions;
import dev.backbone.client.http.ProduceOptions;
import dev.backbone.test.EmbeddedBackbone;
import dev.backbone.test.EmbeddedBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The client's {@link BackboneCredentials} against a broker in {@code enforce} mode: an API key of a super-user
 * gets through, no key is answered {@link AuthenticationException}, a key without ACLs {@link AccessDeniedException}.
 * The two keys are fixed test values, configured by their SHA-256.
 */
@EmbeddedBackbone(properties = {
        "backbone.security.mode=enforce",
        "backbone.security.super-users=service",
        "backbone.security.api-keys[0].principal=service",
        "backbone.security.api-keys[0].hash=3169225ec7bfc5a61d04b5bdcf423eb01cbe92474e632cf70a3ac450ed03f7fd",
        "backbone.security.api-keys[1].principal=nobody",
        "backbone.security.api-keys[1].hash=026c6c8e35a6492b605eec3fd02cb13b1751dc1bde17de8c5a94072211e85e7f"})
class ClientCredentialsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SERVICE_KEY = "bb_c2VjdXJpdHktdGVzdC1rZXktZm9yLXRoZS1jbGllbnQ";
    private static final String NOBODY_KEY = "bb_bm9ib2R5LWtleS1mb3ItdGhlLWNsaWVudC10ZXN0cy0";

    @Test
    void aBearerKeyGetsThroughAndMissingOrUnauthorizedKeysAreTypedErrors(EmbeddedBroker broker) {
        try (BackboneClient service = client(broker, BackboneCredentials.bearer(SERVICE_KEY));
             BackboneClient anonymous = BackboneClient.create(broker.url());
             BackboneClient nobody = client(broker, BackboneCredentials.bearer(NOBODY_KEY))) {
            service.createTopic("credentials-a", 1, Map.of()).block(WAIT);
            service.produce("credentials-a", 0, new RecordBatchBuilder()
                    .add(0, null, "v".getBytes(StandardCharsets.UTF_8)).build(), ProduceOptions.DEFAULT).block(WAIT);
            assertThat(service.fetch("credentials-a", 0, 0, FetchOptions.DEFAULT).block(WAIT).records()).hasSize(1);

            assertThatThrownBy(() -> anonymous.listTopics().block(WAIT)).isInstanceOf(AuthenticationException.class);
            assertThatThrownBy(() -> nobody.describeTopic("credentials-a").block(WAIT))
                    .isInstanceOf(AccessDeniedException.class).hasMessageContaining("describe");
        }
    }

    private static BackboneClient client(EmbeddedBroker broker, BackboneCredentials credentials) {
        return new BackboneClient(BackboneClientSettings.builder(broker.url()).credentials(credentials).build());
    }
}
