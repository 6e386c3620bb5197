package dev.backbone.server.http;

import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import dev.backbone.server.topic.Topic;
import dev.backbone.server.topic.TopicListener;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Fetches parked until their partition grows, woken by the engine's append listener of that partition.
 *
 * <p>A waiter is a {@link MonoSink} in a per-partition set: it costs no thread and a few hundred bytes while it
 * waits. It leaves the set when data arrives, when its wait ends (a timer on Reactor's parallel scheduler), when
 * the client goes away (cancellation), when its topic is deleted, or at shutdown, whichever comes first. An append
 * wakes exactly the waiters of its own partition whose offset it passed.
 *
 * <p>A waiter that registers just after an append would miss that append's wake-up; so after registering it
 * checks the end offset once more, and wakes itself if the data is already there.
 *
 * <p>Each principal (read from the request's Reactor context, see {@link RequestPrincipal}) may have at most
 * {@code maxWaitersPerPrincipal} waiters at once; one more fails with {@link TooManyWaitersException}, so a single
 * client cannot park consumes until the broker runs out of connections or memory.
 *
 * <p>Thread safety: thread-safe. Wake-ups run on the appending thread and only signal; the woken fetches continue
 * on the scheduler they read on.
 */
public final class LongPollWaiters implements TopicListener {

    private final Map<TopicPartition, Set<Waiter>> waiters = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Attached> attached = new ConcurrentHashMap<>();
    private final Map<String, Integer> waitingByPrincipal = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final int maxWaitersPerPrincipal;
    private volatile boolean closed;

    /** @param maxWaitersPerPrincipal the most waiters one principal may have at once; at least 1 */
    public LongPollWaiters(int maxWaitersPerPrincipal) {
        if (maxWaitersPerPrincipal < 1) {
            throw new IllegalArgumentException("max waiters per principal must be at least 1, was "
                    + maxWaitersPerPrincipal);
        }
        this.maxWaitersPerPrincipal = maxWaitersPerPrincipal;
    }

    /**
     * Completes with {@code true} once {@code log}'s end offset passes {@code offset}, or with {@code false} when
     * {@code maxWait} passes first, the topic is deleted, or the broker is shutting down. Cancelling releases the
     * waiter at once. Fails with {@link TooManyWaitersException} when the request's principal has the most waiters
     * allowed already.
     */
    public Mono<Boolean> await(PartitionLog log, long offset, Duration maxWait) {
        if (closed || maxWait.isZero() || maxWait.isNegative()) {
            return Mono.just(log.logEndOffset() > offset);
        }
        TopicPartition tp = log.topicPartition();
        return Mono.<Boolean>create(sink -> {
            String principal = RequestPrincipal.of(sink.contextView());
            if (!enter(principal)) {
                sink.error(new TooManyWaitersException(principal, maxWaitersPerPrincipal));
                return;
            }
            Set<Waiter> set = waiters.computeIfAbsent(tp, k -> ConcurrentHashMap.newKeySet());
            Waiter waiter = new Waiter(offset, sink, principal);
            set.add(waiter);
            waiting.incrementAndGet();
            sink.onDispose(() -> leave(set, waiter));
            if (closed || log.logEndOffset() > offset) {
                wake(set, waiter, !closed);
            }
        }).timeout(maxWait, Mono.just(false));
    }

    /** The number of fetches waiting now. */
    public int waiting() {
        return waiting.get();
    }

    /** The number of fetches of {@code principal} waiting now. */
    public int waiting(String principal) {
        return waitingByPrincipal.getOrDefault(principal, 0);
    }

    /** Wakes every waiter of {@code tp} whose offset is below {@code endOffset}. */
    public void appended(TopicPartition tp, long endOffset) {
        Set<Waiter> set = waiters.get(tp);
        if (set == null) {
            return;
        }
        for (Waiter waiter : set) {
            if (waiter.offset < endOffset) {
                wake(set, waiter, true);
            }
        }
    }

    /** Wakes every waiter, now and for good: later awaits answer at once. Called when shutdown starts. */
    public void close() {
        closed = true;
        waiters.values().forEach(set -> set.forEach(w -> wake(set, w, false)));
    }

    @Override
    public void topicCreated(Topic topic) {
        for (PartitionLog log : topic.partitions()) {
            TopicPartition tp = log.topicPartition();
            LongConsumer listener = end -> appended(tp, end);
            log.addAppendListener(listener);
            Attached previous = attached.put(tp, new Attached(log, listener));
            if (previous != null) {
                previous.log.removeAppendListener(previous.listener);
            }
        }
    }

    @Override
    public void topicDeleted(String name) {
        attached.entrySet().removeIf(entry -> {
            if (!entry.getKey().topic().equals(name)) {
                return false;
            }
            entry.getValue().log.removeAppendListener(entry.getValue().listener);
            Set<Waiter> set = waiters.remove(entry.getKey());
            if (set != null) {
                set.forEach(w -> wake(set, w, false));
            }
            return true;
        });
    }

    private void wake(Set<Waiter> set, Waiter waiter, boolean dataArrived) {
        // Only the caller that takes the waiter out of the set signals it, so each is signalled once.
        if (set.remove(waiter)) {
            waiting.decrementAndGet();
            exit(waiter.principal);
            waiter.sink.success(dataArrived);
        }
    }

    private void leave(Set<Waiter> set, Waiter waiter) {
        if (set.remove(waiter)) {
            waiting.decrementAndGet();
            exit(waiter.principal);
        }
    }

    /** Counts a waiter of {@code principal} in, unless it has the most allowed. */
    private boolean enter(String principal) {
        boolean[] admitted = {false};
        waitingByPrincipal.compute(principal, (p, count) -> {
            int now = count == null ? 0 : count;
            if (now >= maxWaitersPerPrincipal) {
                return count;
            }
            admitted[0] = true;
            return now + 1;
        });
        return admitted[0];
    }

    private void exit(String principal) {
        // A principal with no waiter left is dropped, so the map holds only principals waiting now.
        waitingByPrincipal.computeIfPresent(principal, (p, count) -> count > 1 ? count - 1 : null);
    }

    /** One parked fetch; identity equality, so equal offsets do not collide in the set. */
    private static final class Waiter {
        final long offset;
        final MonoSink<Boolean> sink;
        final String principal;

        Waiter(long offset, MonoSink<Boolean> sink, String principal) {
            this.offset = offset;
            this.sink = sink;
            this.principal = principal;
        }
    }

    private record Attached(PartitionLog log, LongConsumer listener) {
    }
}
