package dev.backbone.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.checks.support.Deadline;
import dev.backbone.replication.support.BrokerCluster;
import dev.backbone.replication.support.BrokerNode;
import dev.backbone.replication.support.Http;
import dev.backbone.replication.support.SharedCluster;
import dev.backbone.replication.workload.GroupClient;
import dev.backbone.replication.workload.Topics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Acceptance 6 of issue 16: a consumer group's coordinator (the leader of the group's offsets partition) killed
 * with {@code kill -9} while its members consume through another broker: they get {@code unknown-member} within
 * their session timeout, rejoin, and find the offsets they committed. Then a coordinator frozen with
 * {@code SIGSTOP} until a new one is elected, resumed, and sent a commit of a member it still believes in: the
 * commit is refused and never applied. Seeded (which broker the members use, how much each consumes); the seed is
 * printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SharedCluster.class)
class CoordinatorFailoverTest {

    private static final String TOPIC = "coordinated";
    private static final int PARTITIONS = 2;
    /**
     * Kafka's default; on a quiet machine the members hear {@code unknown-member} within a few seconds (an election
     * of 1-2 s and the new leader applying what was committed), but the shared CI machine stalls JVMs for a second
     * or more at a time (Ratis logs the pauses), which makes elections take several rounds.
     */
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ELECTION = Duration.ofSeconds(60);

    private BrokerCluster cluster;
    private Random random;
    private long seed;

    @BeforeAll
    void createAndFillTheTopic(BrokerCluster shared) {
        cluster = shared;
        cluster.requireReplication();
        seed = System.nanoTime();
        random = new Random(seed);
        System.out.println("CoordinatorFailoverTest seed " + seed);
        Topics.create(cluster, TOPIC, PARTITIONS, "{}");
        for (int p = 0; p < PARTITIONS; p++) {
            for (int i = 0; i < 20; i++) {
                produce(p, "record " + i);
            }
        }
    }

    @Test
    @Order(1)
    void membersOfAKilledCoordinatorRejoinWithinTheSessionTimeoutAndKeepTheirOffsets() {
        String group = "failover-" + seed;
        BrokerNode coordinator = awaitCoordinator(group, cluster.nodes(), null);
        BrokerNode entry = other(coordinator);
        System.out.println("coordinator " + coordinator.id() + ", members use " + entry.id());
        List<GroupClient> members = List.of(new GroupClient(group, TOPIC, SESSION_TIMEOUT),
                new GroupClient(group, TOPIC, SESSION_TIMEOUT));
        for (GroupClient member : members) {
            assertThat(member.join(entry).statusCode()).isEqualTo(201);
        }
        members.forEach(member -> member.heartbeat(entry));
        List<Long> committed = consumeAndCommit(members, entry, group);
        int generationBefore = members.get(0).generation();

        coordinator.kill();
        try {
            long killedAt = System.nanoTime();
            for (GroupClient member : members) {
                HttpResponse<String> answer = Deadline.await(member.memberId() + " told it is unknown", ELECTION,
                        () -> heartbeatOutcome(member, entry));
                assertThat(GroupClient.problemType(answer)).as(answer.body()).isEqualTo("unknown-member");
            }
            Duration toUnknown = Duration.ofNanos(System.nanoTime() - killedAt);
            System.out.println("members told unknown-member " + toUnknown.toMillis() + " ms after the kill");
            rejoinAndResume(group, entry, committed, generationBefore);
            assertThat(toUnknown).isLessThanOrEqualTo(SESSION_TIMEOUT);
        } finally {
            coordinator.restart(BrokerCluster.READY_TIMEOUT);
        }
    }

    private void rejoinAndResume(String group, BrokerNode entry, List<Long> committed, int generationBefore) {
        GroupClient rejoined = new GroupClient(group, TOPIC, SESSION_TIMEOUT);
        HttpResponse<String> joined = rejoined.join(entry);
        assertThat(joined.statusCode()).as(joined.body()).isEqualTo(201);
        assertThat(rejoined.generation()).isGreaterThan(generationBefore);
        assertThat(GroupClient.committedOffsets(joined, PARTITIONS)).isEqualTo(committed);
        GroupClient.Fetched next = rejoined.fetch(entry);
        for (long[] record : next.records()) {
            assertThat(record[1]).as("partition %d resumes at its committed offset", record[0])
                    .isGreaterThanOrEqualTo(committed.get((int) record[0]));
        }
    }

    @Test
    @Order(2)
    void aCommitSentToADeposedCoordinatorIsNeverApplied() {
        String group = "deposed-" + seed;
        BrokerNode coordinator = awaitCoordinator(group, cluster.nodes(), null);
        GroupClient member = new GroupClient(group, TOPIC, Duration.ofMinutes(2));
        assertThat(member.join(coordinator).statusCode()).isEqualTo(201);
        List<Long> committed = consumeAndCommit(List.of(member), coordinator, group);
        // Offsets every replica has (a rewind), so that nothing but the coordinator's term can refuse the commit.
        StringBuilder rewind = new StringBuilder("[");
        for (int p = 0; p < PARTITIONS; p++) {
            rewind.append(p == 0 ? "" : ",").append("{\"topic\":\"").append(TOPIC).append("\",\"partition\":")
                    .append(p).append(",\"offset\":").append(committed.get(p) - 1 - random.nextInt(5)).append('}');
        }
        rewind.append(']');

        coordinator.pause();
        CompletableFuture<HttpResponse<String>> commit;
        try {
            List<BrokerNode> others = cluster.nodes().stream().filter(n -> n != coordinator).toList();
            BrokerNode successor = awaitCoordinator(group, others, coordinator);
            System.out.println("coordinator " + coordinator.id() + " paused, " + successor.id() + " took over");
            // Sent while it is frozen, the commit is the first thing the deposed coordinator reads when it thaws,
            // before it has heard of the new term: it still sees the member and its own leadership.
            commit = CompletableFuture.supplyAsync(() -> member.commit(coordinator, rewind.toString()));
            Deadline.sleep(Duration.ofMillis(500));
        } finally {
            coordinator.resume();
        }
        HttpResponse<String> stale = commit.join();
        System.out.println("commit sent to the deposed coordinator: " + stale.statusCode() + " " + stale.body());

        assertThat(stale.statusCode()).as(stale.body()).isIn(503, 404, 409);
        BrokerNode now = awaitCoordinator(group, cluster.nodes(), null);
        assertThat(GroupClient.describedOffsets(now, group, PARTITIONS)).as("what the coordinator %s holds", now.id())
                .isEqualTo(committed);
    }

    /**
     * Fetches once for every member and commits what it got; answers the committed offset of each partition as
     * the coordinator then describes it.
     */
    private List<Long> consumeAndCommit(List<GroupClient> members, BrokerNode entry, String group) {
        for (GroupClient member : members) {
            GroupClient.Fetched fetched = member.fetch(entry);
            assertThat(fetched.records()).as("records for %s", member.memberId()).isNotEmpty();
            HttpResponse<String> answer = member.commit(entry, fetched.nextOffsetsJson());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(204);
        }
        List<Long> committed = GroupClient.describedOffsets(entry, group, PARTITIONS);
        assertThat(committed).as("every partition has a committed offset").doesNotContainNull();
        return committed;
    }

    /** The heartbeat's answer once it is a 4xx; empty while the cluster elects (503, or no answer). */
    private static Optional<HttpResponse<String>> heartbeatOutcome(GroupClient member, BrokerNode entry) {
        try {
            HttpResponse<String> answer = member.heartbeat(entry);
            return answer.statusCode() / 100 == 4 ? Optional.of(answer) : Optional.empty();
        } catch (RuntimeException unanswered) {
            return Optional.empty();
        }
    }

    /** The coordinator of {@code group} that every broker {@code asked} names, other than {@code deposed}. */
    private BrokerNode awaitCoordinator(String group, List<BrokerNode> asked, BrokerNode deposed) {
        return Deadline.await("a coordinator of " + group + " that " + asked + " agree on", ELECTION, () -> {
            List<Optional<String>> views = asked.stream()
                    .map(node -> GroupClient.coordinator(node, cluster.nodes(), group)).toList();
            Optional<String> first = views.get(0);
            boolean agreed = first.isPresent() && views.stream().allMatch(first::equals)
                    && (deposed == null || !first.get().equals(deposed.id()));
            return agreed ? Optional.of(cluster.node(first.get())) : Optional.empty();
        });
    }

    private BrokerNode other(BrokerNode coordinator) {
        List<BrokerNode> others = cluster.nodes().stream().filter(n -> n != coordinator).toList();
        return others.get(random.nextInt(others.size()));
    }

    private void produce(int partition, String value) {
        Deadline.await("a record produced to partition " + partition, ELECTION, () -> {
            BrokerNode node = cluster.nodes().get(random.nextInt(cluster.nodes().size()));
            try {
                HttpResponse<String> answer = Http.postJson(node.baseUrl() + "/v1/topics/" + TOPIC + "/partitions/"
                        + partition + "/records", "{\"records\": [{\"value\": \"" + value + "\"}]}");
                return answer.statusCode() == 200 ? Optional.of(true) : Optional.empty();
            } catch (RuntimeException unanswered) {
                return Optional.empty();
            }
        });
    }
}
