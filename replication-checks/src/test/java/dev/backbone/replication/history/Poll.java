package dev.backbone.replication.history;

import java.util.List;

/**
 * One consume of one partition from an offset.
 *
 * @param process the client that polled
 * @param partition the partition
 * @param fromOffset the offset asked for
 * @param invokeNanos when it was sent, nanoseconds since the history began
 * @param completeNanos when the answer came
 * @param outcome OK when the broker answered with records (possibly none)
 * @param reads the records in the answer, in answer order
 * @param nextOffset the next offset the broker told the client to ask for, or -1 when not OK
 * @param finalRead whether this poll belongs to the final read after healing, which decides what the log holds
 * @param node the broker polled
 */
public record Poll(int process, int partition, long fromOffset, long invokeNanos, long completeNanos, Outcome outcome,
        List<Read> reads, long nextOffset, boolean finalRead, String node) {

    public Poll {
        reads = List.copyOf(reads);
    }
}
