package dev.backbone.server.http.stream;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class HeartbeatsTest {

    @Test
    void anIdleStreamGetsHeartbeatsAndTheyStopWithTheStream() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        Sinks.Many<String> records = Sinks.many().unicast().onBackpressureBuffer();

        StepVerifier.withVirtualTime(() -> Heartbeats.merge(records.asFlux(), Duration.ofSeconds(15), "beat", time),
                        () -> time, Long.MAX_VALUE)
                .expectSubscription()
                .then(() -> records.tryEmitNext("r1"))
                .expectNext("r1")
                .expectNoEvent(Duration.ofSeconds(14))
                .thenAwait(Duration.ofSeconds(1))
                .expectNext("beat")
                .thenAwait(Duration.ofSeconds(15))
                .expectNext("beat")
                .then(() -> records.tryEmitNext("r2"))
                .expectNext("r2")
                .then(records::tryEmitComplete)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aFailedStreamStillFailsAndStopsTheHeartbeats() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        StepVerifier.withVirtualTime(() -> Heartbeats.merge(Flux.<String>never().mergeWith(
                                Flux.error(new IllegalStateException("gone")).delaySubscription(Duration.ofSeconds(20),
                                        time).cast(String.class)), Duration.ofSeconds(15), "beat", time),
                        () -> time, Long.MAX_VALUE)
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(15))
                .expectNext("beat")
                .thenAwait(Duration.ofSeconds(5))
                .expectErrorMessage("gone")
                .verify(Duration.ofSeconds(5));
    }
}
