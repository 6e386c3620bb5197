package dev.backbone.replication.workload;

import dev.backbone.replication.history.History;
import dev.backbone.replication.support.BrokerCluster;
import dev.backbone.replication.support.BrokerNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Injects one fault at a time into a cluster on a seeded schedule, and heals it: the leader of a partition isolated
 * from its peers, a majority/minority split, a broker killed with {@code kill -9} (restarted on its data when the
 * fault ends), a broker frozen with {@code SIGSTOP} (thawed with {@code SIGCONT}). Each fault lasts 2 to 8 s, with
 * 1 to 4 s of calm between faults; every fault and heal goes into the history.
 *
 * <p>Thread safety: runs on the calling thread; the workload runs on its own threads meanwhile.
 */
public final class Nemesis {

    /** The kinds of fault, in the order the seeded draw picks from. */
    public enum Fault {
        ISOLATE_LEADER, MAJORITY_MINORITY, KILL, PAUSE
    }

    private final BrokerCluster cluster;
    private final String topic;
    private final int partitions;
    private final Random random;
    private final History history;
    private final List<Fault> injected = new ArrayList<>();

    public Nemesis(BrokerCluster cluster, String topic, int partitions, long seed, History history) {
        this.cluster = cluster;
        this.topic = topic;
        this.partitions = partitions;
        this.random = new Random(seed);
        this.history = history;
    }

    /** Injects and heals faults until {@code duration} has passed, then leaves the cluster whole (see heal). */
    public void run(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() - end < 0) {
            Fault fault = Fault.values()[random.nextInt(Fault.values().length)];
            Duration hold = Duration.ofMillis(2000 + random.nextInt(6000));
            Runnable undo = inject(fault);
            injected.add(fault);
            pause(min(hold, end));
            undo.run();
            pause(min(Duration.ofMillis(1000 + random.nextInt(3000)), end));
        }
    }

    /** The faults injected so far, in order. */
    public List<Fault> injected() {
        return List.copyOf(injected);
    }

    private Runnable inject(Fault fault) {
        int size = cluster.nodes().size();
        switch (fault) {
            case ISOLATE_LEADER -> {
                int partition = random.nextInt(partitions);
                int node = leaderIndex(partition);
                history.fault("isolate " + cluster.node(node).id() + " (leader of " + topic + "-" + partition
                        + " as far as known)");
                cluster.network().isolate(node);
                return this::healNetwork;
            }
            case MAJORITY_MINORITY -> {
                int alone = random.nextInt(size);
                List<Integer> majority = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    if (i != alone) {
                        majority.add(i);
                    }
                }
                history.fault("partition " + majority + " | [" + alone + "]");
                cluster.network().partition(List.of(majority, Set.of(alone)));
                return this::healNetwork;
            }
            case KILL -> {
                BrokerNode node = cluster.node(random.nextInt(size));
                history.fault("kill -9 " + node.id());
                node.kill();
                return () -> {
                    history.fault("restart " + node.id());
                    node.start();
                };
            }
            case PAUSE -> {
                BrokerNode node = cluster.node(random.nextInt(size));
                history.fault("SIGSTOP " + node.id());
                node.pause();
                return () -> {
                    history.fault("SIGCONT " + node.id());
                    node.resume();
                };
            }
            default -> throw new IllegalStateException("Unknown fault " + fault);
        }
    }

    /** The index of the partition's leader as some broker reports it, or a random broker if none answers. */
    private int leaderIndex(int partition) {
        try {
            return cluster.indexOf(cluster.awaitLeader(topic, partition, Duration.ofSeconds(3)));
        } catch (AssertionError noLeaderNow) {
            return random.nextInt(cluster.nodes().size());
        }
    }

    private void healNetwork() {
        history.fault("heal network");
        cluster.network().heal();
    }

    private static Duration min(Duration hold, long endNanos) {
        long left = Math.max(0, endNanos - System.nanoTime());
        return hold.toNanos() < left ? hold : Duration.ofNanos(left);
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted", e);
        }
    }
}
