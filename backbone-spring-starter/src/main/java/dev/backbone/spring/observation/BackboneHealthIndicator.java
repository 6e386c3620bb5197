package dev.backbone.spring.observation;

import java.time.Duration;

import dev.backbone.client.http.BackboneClient;
import dev.backbone.spring.publish.BatchingPublisher;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the connection to the broker: UP when the broker answers its health check, DOWN with the reason
 * otherwise; the publisher's last send error, if its last send failed, is shown as {@code lastPublishError}.
 * Thread-safe.
 */
public final class BackboneHealthIndicator extends AbstractHealthIndicator {

    private final BackboneClient client;

    private final BatchingPublisher publisher;

    private final Duration timeout;

    /**
     * @param client    the broker client
     * @param publisher the publisher, or null
     * @param timeout   longest wait for the broker's answer
     */
    public BackboneHealthIndicator(BackboneClient client, BatchingPublisher publisher, Duration timeout) {
        super("Backbone broker health check failed");
        this.client = client;
        this.publisher = publisher;
        this.timeout = timeout;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("url", client.settings().baseUri().toString());
        Throwable lastError = publisher == null ? null : publisher.lastError();
        if (lastError != null) {
            builder.withDetail("lastPublishError", lastError.getClass().getSimpleName() + ": "
                    + lastError.getMessage());
        }
        client.health().block(timeout);
        builder.up();
    }
}
