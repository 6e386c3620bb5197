package dev.backbone.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.replication.history.AnomalyChecker;
import dev.backbone.replication.history.CheckResult;
import dev.backbone.replication.history.History;
import dev.backbone.replication.history.Outcome;
import dev.backbone.replication.history.Poll;
import dev.backbone.replication.history.Read;
import dev.backbone.replication.history.Send;
import dev.backbone.replication.support.BrokerCluster;
import dev.backbone.replication.support.BrokerNode;
import dev.backbone.replication.support.Project;
import dev.backbone.replication.support.SharedCluster;
import dev.backbone.replication.workload.FinalRead;
import dev.backbone.replication.workload.Percentiles;
import dev.backbone.replication.workload.RecordClient;
import dev.backbone.replication.workload.Topics;
import dev.backbone.replication.workload.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Acceptance 4 of issue 16: followers serve only committed records, and not far behind. Producers write through
 * the leader while consumers long-poll both followers; every record a follower served must be in the final log at
 * its offset (a follower serving above the commit index would sooner or later serve a record that is not), and the
 * delay from a produce's acknowledgement to its record's first appearance on each follower is printed (median,
 * p99; an upper bound: the time the long poll's answer arrived).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedCluster.class)
class FollowerReadTest {

    private static final String TOPIC = "follower";
    private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(8);

    private BrokerCluster cluster;

    @BeforeAll
    void createTheTopic(BrokerCluster shared) {
        cluster = shared;
        cluster.requireReplication();
        Topics.create(cluster, TOPIC, 1, "{}");
    }

    @Test
    void followersServeOnlyCommittedRecordsAndLagLittle() throws InterruptedException {
        long seed = System.nanoTime();
        System.out.println("FollowerReadTest seed " + seed);
        History history = new History();
        BrokerNode leader = cluster.awaitLeader(TOPIC, 0, Duration.ofSeconds(60));
        List<BrokerNode> followers = cluster.nodes().stream().filter(n -> n != leader).toList();
        List<Map<Long, Long>> firstSeenPerFollower = new ArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> consumers = new ArrayList<>();
        for (BrokerNode follower : followers) {
            RecordClient client = new RecordClient(100 + consumers.size(), TOPIC, history, OPERATION_TIMEOUT);
            Map<Long, Long> firstSeen = new ConcurrentHashMap<>();
            firstSeenPerFollower.add(firstSeen);
            Thread consumer = new Thread(() -> consume(client, follower, running, firstSeen));
            consumer.setDaemon(true);
            consumers.add(consumer);
            consumer.start();
        }
        Workload producers = new Workload(List.of(leader), TOPIC, 1, seed, history,
                new Workload.Mix(8, 1.0, 0.0, OPERATION_TIMEOUT));
        producers.start();
        Thread.sleep(Duration.ofSeconds(Scale.of(15, 60)).toMillis());
        producers.stop();
        Thread.sleep(2000);
        running.set(false);
        for (Thread consumer : consumers) {
            consumer.join(OPERATION_TIMEOUT.toMillis() * 2);
        }
        FinalRead.readAll(TOPIC, history, OPERATION_TIMEOUT, cluster.nodes(), 1,
                AnomalyChecker.READABLE_AFTER_HEAL);
        history.writeTo(Project.scratch("histories").resolve("follower-" + seed + ".txt"));

        CheckResult result = AnomalyChecker.check(history);
        Percentiles lag = new Percentiles();
        for (Map<Long, Long> firstSeen : firstSeenPerFollower) {
            for (Send send : history.sends()) {
                Long seen = send.acknowledged() ? firstSeen.get(send.offset()) : null;
                if (seen != null) {
                    lag.add(Math.max(0, seen - send.completeNanos()));
                }
            }
        }
        System.out.println("FollowerReadTest: acknowledgement to first read on a follower: " + lag + "; " + result);
        assertThat(result.valid()).as("seed %d: %s", seed, result).isTrue();
        assertThat(result.reads()).as("the followers served records; %s", result).isPositive();
        assertThat(lag.count()).as("acknowledged records seen on each follower")
                .isEqualTo(result.acknowledged() * followers.size());
    }

    private static void consume(RecordClient client, BrokerNode follower, AtomicBoolean running,
            Map<Long, Long> firstSeen) {
        long offset = 0;
        while (running.get()) {
            Poll poll = client.poll(follower, 0, offset, 1 << 20, 500, false);
            if (poll.outcome() != Outcome.OK) {
                continue;
            }
            for (Read read : poll.reads()) {
                firstSeen.putIfAbsent(read.offset(), poll.completeNanos());
            }
            offset = Math.max(offset, poll.nextOffset());
        }
    }
}
