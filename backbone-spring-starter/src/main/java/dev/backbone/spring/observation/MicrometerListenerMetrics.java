package dev.backbone.spring.observation;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.backbone.spring.listener.ListenerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * Listener meters on a Micrometer registry: {@code backbone.listener.records.consumed}, {@code .failed} and
 * {@code .dead.lettered} counters (tags listener, topic), {@code backbone.listener.commit.failures} (tag listener)
 * and the gauge {@code backbone.listener.lag} (tags listener, topic, partition). Thread-safe.
 */
public final class MicrometerListenerMetrics implements ListenerMetrics {

    private final MeterRegistry registry;

    private final ConcurrentMap<String, AtomicLong> lags = new ConcurrentHashMap<>();

    public MicrometerListenerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void consumed(String listenerId, String topic) {
        counter("backbone.listener.records.consumed", listenerId, topic).increment();
    }

    @Override
    public void failed(String listenerId, String topic) {
        counter("backbone.listener.records.failed", listenerId, topic).increment();
    }

    @Override
    public void deadLettered(String listenerId, String topic) {
        counter("backbone.listener.records.dead.lettered", listenerId, topic).increment();
    }

    @Override
    public void commitFailed(String listenerId) {
        Counter.builder("backbone.listener.commit.failures").tag("listener", listenerId).register(registry)
                .increment();
    }

    @Override
    public void lag(String listenerId, String topic, int partition, long lag) {
        String name = listenerId + '\u0000' + topic + '\u0000' + partition;
        lags.computeIfAbsent(name, n -> {
            AtomicLong holder = new AtomicLong();
            Gauge.builder("backbone.listener.lag", holder, AtomicLong::get)
                    .tags(Tags.of("listener", listenerId, "topic", topic, "partition", Integer.toString(partition)))
                    .register(registry);
            return holder;
        }).set(lag);
    }

    private Counter counter(String name, String listenerId, String topic) {
        return Counter.builder(name).tags("listener", listenerId, "topic", topic).register(registry);
    }
}
