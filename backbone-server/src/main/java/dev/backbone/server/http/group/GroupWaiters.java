package dev.backbone.server.http.group;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Group fetches parked until their group starts a new generation, so that a member long-polling its old
 * partitions hears of a rebalance at once rather than at the end of its wait.
 *
 * <p>Registered as the coordinator's generation listener. A waiter costs no thread; it leaves when the group
 * rebalances, when its wait ends, when the client goes away, or at shutdown.
 *
 * <p>Thread safety: thread-safe.
 */
public final class GroupWaiters implements Consumer<String> {

    private final Map<String, Set<MonoSink<Boolean>>> waiters = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** Completes with true when {@code group} rebalances, with false when {@code maxWait} passes first. */
    public Mono<Boolean> await(String group, Duration maxWait) {
        if (closed || maxWait.isZero() || maxWait.isNegative()) {
            return Mono.just(false);
        }
        return Mono.<Boolean>create(sink -> {
            Set<MonoSink<Boolean>> set = waiters.computeIfAbsent(group, g -> ConcurrentHashMap.newKeySet());
            set.add(sink);
            sink.onDispose(() -> set.remove(sink));
            if (closed && set.remove(sink)) {
                sink.success(false);
            }
        }).timeout(maxWait, Mono.just(false));
    }

    /** The group started a new generation: wakes its waiters. */
    @Override
    public void accept(String group) {
        Set<MonoSink<Boolean>> set = waiters.get(group);
        if (set != null) {
            for (MonoSink<Boolean> sink : set) {
                if (set.remove(sink)) {
                    sink.success(true);
                }
            }
        }
    }

    /** The number of group fetches waiting now. */
    public int waiting() {
        return waiters.values().stream().mapToInt(Set::size).sum();
    }

    /** Wakes every waiter, now and for good. Called when shutdown starts. */
    public void close() {
        closed = true;
        waiters.values().forEach(set -> set.forEach(sink -> {
            if (set.remove(sink)) {
                sink.success(false);
            }
        }));
    }
}
