package dev.backbone.spring.listener;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The highest offset handled (processed or dead-lettered) per topic and partition by the listeners of this
 * application, so that a caller can wait for its own write to be handled (read-your-writes).
 *
 * <p>Thread-safe: a monitor guards the map and wakes waiters.
 */
public final class ProcessedOffsets {

    private final Map<TopicPartition, Long> highest = new HashMap<>();

    /**
     * Notes that a record was handled.
     *
     * @param topic     its topic
     * @param partition its partition
     * @param offset    its offset
     */
    public synchronized void handled(String topic, int partition, long offset) {
        highest.merge(new TopicPartition(topic, partition), offset, Math::max);
        notifyAll();
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
    public synchronized boolean await(String topic, int partition, long offset, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        TopicPartition key = new TopicPartition(topic, partition);
        while (highest.getOrDefault(key, -1L) < offset) {
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMillis <= 0) {
                return false;
            }
            wait(remainingMillis);
        }
        return true;
    }
}
