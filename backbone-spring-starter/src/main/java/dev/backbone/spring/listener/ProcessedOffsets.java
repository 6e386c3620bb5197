package dev.backbone.spring.listener;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The highest offset handled (processed or dead-lettered) per topic and partition by the listeners of this
 * application, so that a caller can wait for its own write to be handled (read-your-writes).
 *
 * <p>Thread-safe. Noting a handled record is an atomic update, called for every record, so it takes no lock and
 * wakes nobody unless someone waits: a waiter counts itself in before it checks the offset, and a listener that
 * sees a waiter after its update takes the monitor to wake it, so no update is missed.
 */
public final class ProcessedOffsets {

    private final ConcurrentMap<TopicPartition, AtomicLong> highest = new ConcurrentHashMap<>();

    private final AtomicInteger waiters = new AtomicInteger();

    /**
     * Notes that a record was handled.
     *
     * @param topic     its topic
     * @param partition its partition
     * @param offset    its offset
     */
    public void handled(String topic, int partition, long offset) {
        handled(new TopicPartition(topic, partition), offset);
    }

    void handled(TopicPartition partition, long offset) {
        highest.computeIfAbsent(partition, p -> new AtomicLong(-1)).accumulateAndGet(offset, Math::max);
        if (waiters.get() > 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /**
     * Waits until a listener here handled the record at an offset (or a later one of the same partition).
     *
     * @param topic     the topic
     * @param partition the partition
     * @param offset    the offset
     * @param timeout   the longest wait
     * @return true when handled, false when the time ran out
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean await(String topic, int partition, long offset, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        TopicPartition key = new TopicPartition(topic, partition);
        waiters.incrementAndGet();
        try {
            synchronized (this) {
                while (highestOf(key) < offset) {
                    long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
                    if (remainingMillis <= 0) {
                        return false;
                    }
                    wait(remainingMillis);
                }
                return true;
            }
        } finally {
            waiters.decrementAndGet();
        }
    }

    private long highestOf(TopicPartition partition) {
        AtomicLong value = highest.get(partition);
        return value == null ? -1 : value.get();
    }
}
