package dev.backbone.replication.workload;

import dev.backbone.replication.history.History;
import dev.backbone.replication.history.Outcome;
import dev.backbone.replication.history.Poll;
import dev.backbone.replication.history.Send;
import dev.backbone.replication.support.BrokerNode;
import java.time.Duration;
import java.util.List;

/**
 * The final read after healing: every partition read from offset 0 on every broker, until each broker has served
 * every acknowledged offset or the deadline passes. Its polls go into the history marked final; the checker takes
 * what they returned as the log's content, and their completion times for the 30 s readability promise.
 *
 * <p>Thread safety: stateless.
 */
public final class FinalRead {

    private static final int MAX_BYTES = 1 << 20;

    private FinalRead() {
    }

    /** Reads {@code partitions} of the client's topic on each of {@code nodes}, each within {@code deadline}. */
    public static void readAll(RecordClient client, History history, List<BrokerNode> nodes, int partitions,
            Duration deadline) {
        for (int partition = 0; partition < partitions; partition++) {
            long target = highestAcknowledged(history, partition) + 1;
            for (BrokerNode node : nodes) {
                read(client, node, partition, target, deadline);
            }
        }
    }

    private static void read(RecordClient client, BrokerNode node, int partition, long target, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        long offset = 0;
        while (System.nanoTime() - end < 0) {
            Poll poll = client.poll(node, partition, offset, MAX_BYTES, true);
            if (poll.outcome() == Outcome.OK && !poll.reads().isEmpty()) {
                offset = poll.reads().get(poll.reads().size() - 1).offset() + 1;
                continue;
            }
            if (poll.outcome() == Outcome.OK && offset >= target) {
                return;
            }
            sleep();
        }
    }

    private static long highestAcknowledged(History history, int partition) {
        return history.sends().stream().filter(s -> s.partition() == partition && s.acknowledged())
                .mapToLong(Send::offset).max().orElse(-1);
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted during the final read", e);
        }
    }
}
