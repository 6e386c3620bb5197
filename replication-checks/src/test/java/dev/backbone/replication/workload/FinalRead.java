package dev.backbone.replication.workload;

import dev.backbone.replication.history.History;
import dev.backbone.replication.history.Outcome;
import dev.backbone.replication.history.Poll;
import dev.backbone.replication.history.Send;
import dev.backbone.replication.support.BrokerNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The final read after healing: every partition read from offset 0 on every broker, until each broker has served
 * every acknowledged offset or the deadline passes. Its polls go into the history marked final; the checker takes
 * what they returned as the log's content, and their completion times for the 30 s readability promise.
 *
 * <p>Every broker and partition is read at the same time, each by its own client: a record is readable once any
 * broker serves it, so no broker may wait for another. (Read one after the other, a replica that lagged, here for
 * up to the whole deadline, delayed the first read of the others' records past the promise although they served
 * them all along.)
 *
 * <p>Thread safety: stateless; each read runs on its own thread.
 */
public final class FinalRead {

    private static final int MAX_BYTES = 1 << 20;
    private static final int FIRST_PROCESS = 1000;

    /**
     * How far one broker's read of one partition got.
     *
     * @param node      the broker
     * @param partition the partition
     * @param caughtUp  whether it served every acknowledged offset before the deadline
     * @param elapsed   from the start of the final read until it did, or until the deadline
     */
    public record Readout(String node, int partition, boolean caughtUp, Duration elapsed) {

        @Override
        public String toString() {
            return node + " p" + partition + (caughtUp ? " caught up in " : " still behind after ")
                    + String.format("%.1f s", elapsed.toMillis() / 1000.0);
        }
    }

    private FinalRead() {
    }

    /** Reads {@code partitions} of {@code topic} on each of {@code nodes}, all at once, each within the deadline. */
    public static List<Readout> readAll(String topic, History history, Duration operationTimeout,
                                        List<BrokerNode> nodes, int partitions, Duration deadline) {
        ExecutorService readers = Executors.newFixedThreadPool(nodes.size() * partitions);
        long start = System.nanoTime();
        try {
            List<Future<Readout>> reads = new ArrayList<>();
            int process = FIRST_PROCESS;
            for (int partition = 0; partition < partitions; partition++) {
                long target = highestAcknowledged(history, partition) + 1;
                for (BrokerNode node : nodes) {
                    RecordClient client = new RecordClient(process++, topic, history, operationTimeout);
                    int p = partition;
                    reads.add(readers.submit(() -> read(client, node, p, target, start, deadline)));
                }
            }
            List<Readout> readouts = new ArrayList<>();
            for (Future<Readout> read : reads) {
                readouts.add(read.get(deadline.plus(operationTimeout).multipliedBy(2).toMillis(),
                        TimeUnit.MILLISECONDS));
            }
            return readouts;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted during the final read", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("The final read failed", e);
        } finally {
            readers.shutdownNow();
        }
    }

    private static Readout read(RecordClient client, BrokerNode node, int partition, long target, long start,
                                Duration deadline) {
        long end = start + deadline.toNanos();
        long offset = 0;
        while (System.nanoTime() - end < 0) {
            Poll poll = client.poll(node, partition, offset, MAX_BYTES, true);
            if (poll.outcome() == Outcome.OK && !poll.reads().isEmpty()) {
                offset = poll.reads().get(poll.reads().size() - 1).offset() + 1;
                continue;
            }
            if (poll.outcome() == Outcome.OK && offset >= target) {
                return new Readout(node.id(), partition, true, Duration.ofNanos(System.nanoTime() - start));
            }
            sleep();
        }
        return new Readout(node.id(), partition, false, deadline);
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
