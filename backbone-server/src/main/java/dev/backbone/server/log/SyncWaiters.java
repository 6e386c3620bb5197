package dev.backbone.server.log;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The SYNC appenders of one partition waiting for their fsync, in end-offset order. Each has its own future,
 * so an fsync wakes exactly the appenders it covers (no shared monitor, no {@code notifyAll}).
 *
 * <p>The flusher does not wake every covered appender itself: waking a parked thread costs several
 * microseconds (more in a virtual machine), and forty of them in a row would keep the flusher from its next
 * fsync for longer than the fsync takes. It wakes the first {@link #FAN_OUT}; each woken appender wakes the
 * next {@link #FAN_OUT} before it returns, so the wake-ups spread over the woken threads and the cores while
 * the flusher is already fsyncing the next group. No covered waiter is left asleep: a wake-up attempt fails
 * only when the head of the queue is not covered, and the queue is in offset order.
 *
 * <p>Thread safety: {@link #add} is called under the partition's append lock, which keeps the queue in offset
 * order; {@link #completeUpTo} and {@link #failAll} under the partition's flush monitor; the queue itself is
 * guarded by {@code this}, held only to take one waiter off it, never while completing one.
 */
final class SyncWaiters {

    /** How many waiters each wake-up passes on to; two spreads forty wake-ups over about five rounds. */
    static final int FAN_OUT = 2;

    /** One appender waiting for {@code endOffset} to become durable. */
    final class Waiter {

        private final long endOffset;
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        private Waiter(long endOffset) {
            this.endOffset = endOffset;
        }

        /** Waits, uninterruptibly, for the fsync that covers this append, then wakes the next waiters it covers. */
        void await(TopicPartition topicPartition) throws IOException {
            try {
                done.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw new IOException("fsync of " + topicPartition + " failed: " + io.getMessage(), io);
                }
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw e;
            }
            wakeCovered();
        }
    }

    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private volatile long durableEnd;

    /** Registers an appender whose data ends at {@code endOffset}; append lock held. */
    Waiter add(long endOffset) {
        Waiter waiter = new Waiter(endOffset);
        synchronized (this) {
            queue.add(waiter);
        }
        return waiter;
    }

    /** Acknowledges every waiter whose data lies below {@code durable}; flush monitor held. */
    void completeUpTo(long durable) {
        if (durable > durableEnd) {
            durableEnd = durable;
        }
        wakeCovered();
    }

    /** Fails every waiter; flush monitor held. */
    void failAll(IOException cause) {
        while (true) {
            Waiter waiter;
            synchronized (this) {
                waiter = queue.poll();
            }
            if (waiter == null) {
                return;
            }
            waiter.done.completeExceptionally(cause);
        }
    }

    private void wakeCovered() {
        for (int i = 0; i < FAN_OUT; i++) {
            Waiter next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.endOffset > durableEnd) {
                    return;
                }
                queue.poll();
            }
            next.done.complete(null);
        }
    }
}
