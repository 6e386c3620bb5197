package dev.backbone.replication.workload;

import dev.backbone.replication.history.History;
import dev.backbone.replication.history.Outcome;
import dev.backbone.replication.history.Poll;
import dev.backbone.replication.history.Send;
import dev.backbone.replication.support.BrokerNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Client processes that produce and poll against a cluster until stopped, each a thread with its own seeded
 * {@link Random}, every operation recorded into one {@link History}. A process sends one record at a time (so the
 * number of processes is the number of produces in flight) to a broker drawn at random, dead or alive: a client does
 * not know which brokers are up. Values are unique ({@code p<process>-<n>}); a share of sends carries an
 * idempotency key and is retried once under the same key and value on another broker when its outcome is unknown.
 * Polls continue from where the process's previous poll of that partition ended.
 *
 * <p>Thread safety: {@link #start()} and {@link #stop()} from one thread.
 */
public final class Workload {

    /**
     * What the processes do.
     *
     * @param processes client processes, each with one operation in flight
     * @param sendShare the share of operations that are sends, 0 to 1 (the rest polls)
     * @param keyedShare the share of sends that carry an idempotency key, 0 to 1
     * @param timeout the timeout of one operation
     */
    public record Mix(int processes, double sendShare, double keyedShare, Duration timeout) {
    }

    private static final int POLL_BYTES = 64 * 1024;

    private final List<BrokerNode> nodes;
    private final String topic;
    private final int partitions;
    private final long seed;
    private final History history;
    private final Mix mix;
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    public Workload(List<BrokerNode> nodes, String topic, int partitions, long seed, History history, Mix mix) {
        this.nodes = List.copyOf(nodes);
        this.topic = topic;
        this.partitions = partitions;
        this.seed = seed;
        this.history = history;
        this.mix = mix;
    }

    public void start() {
        running.set(true);
        for (int p = 0; p < mix.processes(); p++) {
            RecordClient client = new RecordClient(p, topic, history, mix.timeout());
            Random random = new Random(seed * 31 + p);
            Thread thread = new Thread(() -> run(client, random), "workload-" + p);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** Stops the processes and waits for their operations in flight (each bounded by the operation timeout). */
    public void stop() {
        running.set(false);
        long deadline = System.nanoTime() + mix.timeout().toNanos() * 3;
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted stopping the workload", e);
            }
            if (thread.isAlive()) {
                throw new AssertionError(thread.getName() + " still runs " + mix.timeout().multipliedBy(3)
                        + " after stop");
            }
        }
    }

    private void run(RecordClient client, Random random) {
        long[] positions = new long[partitions];
        long n = 0;
        while (running.get()) {
            int partition = random.nextInt(partitions);
            if (random.nextDouble() < mix.sendShare()) {
                send(client, random, partition, "p" + client.process() + "-" + n++);
            } else {
                Poll poll = client.poll(pick(random), partition, positions[partition], POLL_BYTES, false);
                if (poll.outcome() == Outcome.OK && poll.nextOffset() > positions[partition]) {
                    positions[partition] = poll.nextOffset();
                }
            }
        }
    }

    private void send(RecordClient client, Random random, int partition, String value) {
        String key = random.nextDouble() < mix.keyedShare() ? "key-" + value : null;
        BrokerNode first = pick(random);
        Send send = client.send(first, partition, value, key);
        if (send.outcome() == Outcome.UNKNOWN && key != null && running.get()) {
            BrokerNode other = nodes.get((nodes.indexOf(first) + 1 + random.nextInt(nodes.size() - 1))
                    % nodes.size());
            client.send(other, partition, value, key);
        }
    }

    private BrokerNode pick(Random random) {
        return nodes.get(random.nextInt(nodes.size()));
    }
}
