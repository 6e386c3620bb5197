package dev.backbone.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.backbone.replication.history.AnomalyChecker;
import dev.backbone.replication.history.CheckResult;
import dev.backbone.replication.history.History;
import dev.backbone.replication.support.BrokerCluster;
import dev.backbone.replication.support.Project;
import dev.backbone.replication.support.SharedCluster;
import dev.backbone.replication.workload.FinalRead;
import dev.backbone.replication.workload.Nemesis;
import dev.backbone.replication.workload.Topics;
import dev.backbone.replication.workload.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Acceptance 3 of issue 16, after Jepsen's Kafka workload: client processes produce (half of them under
 * idempotency keys, retried once on an unknown outcome) and poll through every broker while a seeded nemesis
 * isolates leaders, splits majority from minority, kills brokers with {@code kill -9} and freezes them with
 * {@code SIGSTOP}. Then every fault is healed, the workload runs on a little, every broker is read from offset 0,
 * and {@link AnomalyChecker} must find no anomaly. The seed is printed ({@code -Dbackbone.jepsen.seed=} replays the
 * nemesis's choices); the history is written to {@code target/histories/}.
 *
 * <p>Short form: one 60 s run; long form ({@code -Dbackbone.replication.long=true}): three 120 s runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedCluster.class)
class JepsenTest {

    private static final String TOPIC = "jepsen";
    private static final int PARTITIONS = 2;
    private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(6);
    private static final Duration AFTER_HEALING = Duration.ofSeconds(5);

    private BrokerCluster cluster;

    @BeforeAll
    void createTheTopic(BrokerCluster shared) {
        cluster = shared;
        assumeTrue(cluster.hasNetworkFaults(), "network faults need network namespaces (root, ip, iptables)");
        cluster.requireReplication();
    }

    @Test
    void noAnomalyUnderPartitionsCrashesAndPauses() {
        long seed = Long.getLong("backbone.jepsen.seed", System.nanoTime());
        int runs = Scale.of(1, 3);
        Duration length = Duration.ofSeconds(Scale.of(60, 120));
        for (int run = 0; run < runs; run++) {
            // A topic per run: every run writes the same values, each under an idempotency key or not as its seed
            // decides, and the checker takes a value found twice in one topic for a duplicate.
            runOnce(TOPIC + "-" + (run + 1), seed + run, length);
        }
    }

    private void runOnce(String topic, long seed, Duration length) {
        System.out.println("JepsenTest seed " + seed + " (replay with -Dbackbone.jepsen.seed=" + seed + "), " + length
                + ", topic " + topic);
        cluster.restoreAll();
        Topics.create(cluster, topic, PARTITIONS, "{}");
        History history = new History();
        Workload workload = new Workload(cluster.nodes(), topic, PARTITIONS, seed, history,
                new Workload.Mix(6, 0.7, 0.5, OPERATION_TIMEOUT));
        Nemesis nemesis = new Nemesis(cluster, topic, PARTITIONS, seed, history);
        Path file = Project.scratch("histories").resolve("jepsen-" + seed + ".txt");
        workload.start();
        try {
            nemesis.run(length);
            cluster.restoreAll();
            history.markHealed();
            sleep(AFTER_HEALING);
        } finally {
            workload.stop();
            history.writeTo(file);
        }
        List<FinalRead.Readout> readouts = FinalRead.readAll(topic, history, OPERATION_TIMEOUT, cluster.nodes(),
                PARTITIONS, AnomalyChecker.READABLE_AFTER_HEAL);
        history.writeTo(file);

        CheckResult result = AnomalyChecker.check(history);
        System.out.println("JepsenTest seed " + seed + ": faults " + nemesis.injected() + "; final read "
                + readouts + "; " + result);
        assertThat(result.valid()).as("seed %d, history in %s: %s", seed, file, result).isTrue();
        assertThat(result.acknowledged()).as("seed %d: something was acknowledged", seed).isPositive();
        assertThat(result.finalRecords()).isPositive();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted", e);
        }
    }
}
