package dev.backbone.spring.publish;

import java.util.Map;

import reactor.core.publisher.Mono;

/**
 * {@link BackbonePublisher} for reactive code: the same publisher, each publish a {@link Mono} that emits where the
 * record was stored. The record is handed to the publisher when the Mono is subscribed. Thread-safe.
 */
public final class ReactiveBackbonePublisher {

    private final BackbonePublisher publisher;

    public ReactiveBackbonePublisher(BackbonePublisher publisher) {
        this.publisher = publisher;
    }

    public Mono<PublishResult> publish(String topic, Object payload) {
        return Mono.fromFuture(() -> publisher.publish(topic, payload));
    }

    public Mono<PublishResult> publish(String topic, String key, Object payload) {
        return Mono.fromFuture(() -> publisher.publish(topic, key, payload));
    }

    public Mono<PublishResult> publish(String topic, String key, Object payload, Map<String, String> headers) {
        return Mono.fromFuture(() -> publisher.publish(topic, key, payload, headers));
    }
}
