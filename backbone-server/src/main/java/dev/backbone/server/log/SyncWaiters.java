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
 * <p>An asynchronous appender parks no thread: its waiter is a future whose callbacks run on the thread that
 * completes it. Completing one costs no wake-up, so covered asynchronous waiters are completed without counting
 * against {@link #FAN_OUT}; their callbacks must be quick (hand longer work to an executor).
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
        private final boolean parksThread;
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        private Waiter(long endOffset, boolean parksThread) {
            this.endOffset = endOffset;
            this.parksThread = parksThread;
        }

        /** Waits, uninterruptibly, for the fsync that covers this append, then wakes the next waiters it covers. */
        void await(TopicPartition topicPartition) throws IOException {
            try {
                done.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw fsyncFailed(topicPartition, io);
                }
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw e;
            }
            wakeCovered();
        }

        /**
         * Completes when the fsync that covers this append is done, on the thread that did it, or exceptionally
         * with the fsync's {@link IOException}.
         */
        CompletableFuture<Void> acknowledged(TopicPartition topicPartition) {
            return done.exceptionallyCompose(e -> {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                return CompletableFuture.failedFuture(cause instanceof IOException io
                        ? fsyncFailed(topicPartition, io) : cause);
            });
        }
    }

    private static FsyncFailedException fsyncFailed(TopicPartition topicPartition, IOException cause) {
        return new FsyncFailedException(topicPartition, cause);
    }

    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private volatile long durableEnd;

    /**
     * Registers an appender whose data ends at {@code endOffset}; append lock held.
     *
     * @param parksThread whether a thread will {@link Waiter#await} it, rather than callbacks on its future
     */
    Waiter add(long endOffset, boolean parksThread) {
        Waiter waiter = new Waiter(endOffset, parksThread);
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
        int woken = 0;
        while (woken < FAN_OUT) {
            Waiter next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.endOffset > durableEnd) {
                    return;
                }
                queue.poll();
            }
            if (next.parksThread) {
                woken++;
            }
            next.done.complete(null);
        }
    }
}
