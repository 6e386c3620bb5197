package dev.backbone.server.http.stream;

import java.time.Duration;

import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Interleaves heartbeats into a long-lived stream so that proxies and load balancers do not close it while it is
 * idle. A heartbeat is sent every {@code every} (not only when idle: it is a few bytes), and heartbeats stop when
 * the stream ends, so a finite stream still completes.
 *
 * <p>Thread safety: stateless.
 */
public final class Heartbeats {

    private Heartbeats() {
    }

    public static <T> Flux<T> merge(Flux<T> stream, Duration every, T heartbeat) {
        return merge(stream, every, heartbeat, Schedulers.parallel());
    }

    /** As {@link #merge(Flux, Duration, Object)}, ticking on {@code timer} (tests pass a virtual-time one). */
    static <T> Flux<T> merge(Flux<T> stream, Duration every, T heartbeat, Scheduler timer) {
        return stream.publish(shared -> Flux.merge(shared,
                Flux.interval(every, every, timer)
                        .map(tick -> heartbeat)
                        // A client too slow to take a heartbeat does not need the next one either.
                        .onBackpressureDrop()
                        .takeUntilOther(shared.then())));
    }
}
