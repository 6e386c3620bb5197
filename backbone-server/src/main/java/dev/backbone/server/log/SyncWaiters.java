package dev.backbone.server.log;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The SYNC appenders of one partition waiting for their fsync, in end-offset order. Each has its own future,
 * so an fsync wakes exactly the appenders it covers (no shared monitor, no {@code notifyAll}).
 *
 * <p>Thread safety: {@link #add} is called under the partition's append lock, which keeps the queue in offset
 * order; {@link #completeUpTo} and {@link #failAll} are called under the partition's flush monitor only.
 */
final class SyncWaiters {

    /** One appender waiting for {@code endOffset} to become durable. */
    record Waiter(long endOffset, CompletableFuture<Void> done) {

        /** Waits, uninterruptibly, for the fsync that covers this append. */
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
        }
    }

    private final ConcurrentLinkedQueue<Waiter> queue = new ConcurrentLinkedQueue<>();

    /** Registers an appender whose data ends at {@code endOffset}; append lock held. */
    Waiter add(long endOffset) {
        Waiter waiter = new Waiter(endOffset, new CompletableFuture<>());
        queue.add(waiter);
        return waiter;
    }

    /** Acknowledges every waiter whose data lies below {@code durableEnd}; flush monitor held. */
    void completeUpTo(long durableEnd) {
        Waiter waiter;
        while ((waiter = queue.peek()) != null && waiter.endOffset() <= durableEnd) {
            queue.poll();
            waiter.done().complete(null);
        }
    }

    /** Fails every waiter; flush monitor held. */
    void failAll(IOException cause) {
        Waiter waiter;
        while ((waiter = queue.poll()) != null) {
            waiter.done().completeExceptionally(cause);
        }
    }
}
