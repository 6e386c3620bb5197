package dev.backbone.spring.publish;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The records waiting for one partition, oldest first, and whether a request for the partition is in flight (at
 * most one is, which keeps the idempotent producer's sequences in order). Confined to the sender thread.
 */
final class PartitionQueue {

    final String topic;

    final int partition;

    private final ArrayDeque<PendingRecord> records = new ArrayDeque<>();

    private long bytes;

    private long oldestEnqueuedNanos;

    boolean inFlight;

    PartitionQueue(String topic, int partition) {
        this.topic = topic;
        this.partition = partition;
    }

    void add(PendingRecord record, long nowNanos) {
        if (records.isEmpty()) {
            oldestEnqueuedNanos = nowNanos;
        }
        records.add(record);
        bytes += record.sizeBytes;
    }

    /** The estimated bytes of the records waiting. */
    long bytes() {
        return bytes;
    }

    boolean isEmpty() {
        return records.isEmpty();
    }

    /**
     * Whether a batch should go now: full, lingered long enough, or {@code withOthers} (everything is flushed, or
     * another partition's batch lingered and this one goes with it).
     */
    boolean ready(long nowNanos, long lingerNanos, int batchBytes, boolean withOthers) {
        return !inFlight && !records.isEmpty()
                && (withOthers || bytes >= batchBytes || nowNanos - oldestEnqueuedNanos >= lingerNanos);
    }

    /** Nanoseconds until the linger of the oldest record ends, or Long.MAX_VALUE when nothing waits. */
    long nanosUntilReady(long nowNanos, long lingerNanos) {
        if (records.isEmpty() || inFlight) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, oldestEnqueuedNanos + lingerNanos - nowNanos);
    }

    /** Takes the oldest records up to {@code batchBytes} (at least one). */
    List<PendingRecord> drain(int batchBytes, long nowNanos) {
        // Sized from the average record waiting: a batch of a thousand records then grows its list no more than once.
        long expected = bytes <= batchBytes ? records.size()
                : Math.max(1, (long) records.size() * batchBytes / Math.max(1, bytes)) + 1;
        List<PendingRecord> batch = new ArrayList<>((int) Math.min(records.size(), expected));
        int size = 0;
        while (!records.isEmpty() && (batch.isEmpty() || size + records.peek().sizeBytes <= batchBytes)) {
            PendingRecord r = records.poll();
            size += r.sizeBytes;
            bytes -= r.sizeBytes;
            batch.add(r);
        }
        oldestEnqueuedNanos = nowNanos;
        return batch;
    }

    /** Removes and returns the records whose deadline has passed (they are at the head: deadlines grow). */
    List<PendingRecord> expire(long nowNanos) {
        List<PendingRecord> expired = new ArrayList<>();
        while (!records.isEmpty() && records.peek().deadlineNanos - nowNanos <= 0) {
            PendingRecord r = records.poll();
            bytes -= r.sizeBytes;
            expired.add(r);
        }
        return expired;
    }
}
