package dev.backbone.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.checks.support.Deadline;
import dev.backbone.replication.history.AnomalyChecker;
import dev.backbone.replication.history.CheckResult;
import dev.backbone.replication.history.History;
import dev.backbone.replication.history.Send;
import dev.backbone.replication.support.BrokerCluster;
import dev.backbone.replication.support.BrokerNode;
import dev.backbone.replication.support.ClusterView;
import dev.backbone.replication.support.Project;
import dev.backbone.replication.support.SharedCluster;
import dev.backbone.replication.workload.FinalRead;
import dev.backbone.replication.workload.Percentiles;
import dev.backbone.replication.workload.Topics;
import dev.backbone.replication.workload.Workload;
import java.time.Duration;
import java.util.Comparator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Acceptance 2 of issue 16: the partition's leader killed with {@code kill -9} again and again while producers keep
 * requests in flight through every broker: writes resume on a new leader (the time from the kill to the first
 * acknowledgement of a produce sent after it is printed), no acknowledged record is lost, and the killed broker,
 * restarted, answers ready only once it has caught up with the partition's leader. Short form: 3 kills
 * under 16 producers; long form ({@code -Dbackbone.replication.long=true}): 20 kills under 64.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedCluster.class)
class LeaderFailoverTest {

    private static final String TOPIC = "failover";
    private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(8);
    /** How far behind its leader a ready broker's partition may be (the broker's own bound, in Raft entries). */
    private static final long CAUGHT_UP_ENTRIES = 256;

    private BrokerCluster cluster;

    @BeforeAll
    void createTheTopic(BrokerCluster shared) {
        cluster = shared;
        cluster.requireReplication();
        Topics.create(cluster, TOPIC, 1, "{}");
    }

    @Test
    void writesResumeAfterEveryLeaderKillAndNothingAcknowledgedIsLost() {
        int kills = Scale.of(3, 20);
        int inFlight = Scale.of(16, 64);
        long seed = System.nanoTime();
        System.out.println("LeaderFailoverTest seed " + seed + ", " + kills + " kills, " + inFlight + " in flight");
        History history = new History();
        Workload producers = new Workload(cluster.nodes(), TOPIC, 1, seed, history,
                new Workload.Mix(inFlight, 1.0, 0.0, OPERATION_TIMEOUT));
        Percentiles resume = new Percentiles();
        producers.start();
        try {
            for (int kill = 0; kill < kills; kill++) {
                resume.add(killLeaderAndAwaitResumption(history));
            }
        } finally {
            producers.stop();
            history.writeTo(Project.scratch("histories").resolve("failover-" + seed + ".txt"));
        }
        FinalRead.readAll(TOPIC, history, OPERATION_TIMEOUT, cluster.nodes(), 1,
                AnomalyChecker.READABLE_AFTER_HEAL);
        history.writeTo(Project.scratch("histories").resolve("failover-" + seed + ".txt"));

        CheckResult result = AnomalyChecker.check(history);
        System.out.println("LeaderFailoverTest: time to resume after kill -9 of the leader: " + resume + "; "
                + result);
        assertThat(result.valid()).as("seed %d: %s", seed, result).isTrue();
        assertThat(result.acknowledged()).isGreaterThan(kills);
    }

    /** Kills the current leader, returns the nanoseconds until a produce sent after the kill was acknowledged. */
    private long killLeaderAndAwaitResumption(History history) {
        BrokerNode leader = cluster.awaitLeader(TOPIC, 0, Duration.ofSeconds(60));
        long killedAt = history.now();
        history.fault("kill -9 " + leader.id() + " (leader)");
        leader.kill();
        Send first = Deadline.await("a produce acknowledged after killing " + leader.id(), Duration.ofSeconds(60),
                () -> history.sends().stream().filter(s -> s.acknowledged() && s.invokeNanos() >= killedAt)
                        .min(Comparator.comparingLong(Send::completeNanos)));
        long resumedAfter = first.completeNanos() - killedAt;
        long committedBeforeRestart = commitIndexOnTheLeader();
        history.fault("restart " + leader.id());
        leader.restart(BrokerCluster.READY_TIMEOUT);
        assertCaughtUp(leader, committedBeforeRestart);
        return resumedAfter;
    }

    private long commitIndexOnTheLeader() {
        BrokerNode leader = cluster.awaitLeader(TOPIC, 0, Duration.ofSeconds(60));
        return ClusterView.of(leader, OPERATION_TIMEOUT).flatMap(view -> view.partition(TOPIC, 0))
                .map(ClusterView.PartitionState::commitIndex)
                .orElseThrow(() -> new AssertionError("no cluster view from the leader " + leader.id()));
    }

    /**
     * A restarted broker is ready only once it is within a few hundred entries of its partitions' leaders: the next
     * kill would otherwise leave a leader whose one live follower is thousands of entries behind, and no write
     * commits until that follower catches up (what a rolling restart needs readiness to wait for).
     */
    private static void assertCaughtUp(BrokerNode restarted, long committedBeforeRestart) {
        long applied = ClusterView.of(restarted, OPERATION_TIMEOUT).flatMap(view -> view.partition(TOPIC, 0))
                .map(ClusterView.PartitionState::appliedIndex).orElse(-1L);
        assertThat(applied).as("entries %s applied when it first answered ready, %d committed before its restart",
                restarted.id(), committedBeforeRestart)
                .isGreaterThanOrEqualTo(committedBeforeRestart - CAUGHT_UP_ENTRIES);
    }
}
