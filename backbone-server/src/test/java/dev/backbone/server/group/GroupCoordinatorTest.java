package dev.backbone.server.group;

import dev.backbone.server.log.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GroupCoordinatorTest {

    private static final Duration SESSION = Duration.ofSeconds(10);

    private final MutableClock clock = new MutableClock(1_000_000);
    private final Map<String, Integer> topics = new ConcurrentHashMap<>(Map.of("orders", 4, "payments", 2));
    private final GroupCoordinator coordinator =
            new GroupCoordinator(clock, topic -> topics.getOrDefault(topic, 0), GroupSettings.DEFAULT);
    private final List<String> rebalances = new CopyOnWriteArrayList<>();

    GroupCoordinatorTest() {
        coordinator.addGenerationListener(rebalances::add);
    }

    @Test
    void theFirstMemberGetsEveryPartitionInGenerationOne() {
        MemberAssignment first = coordinator.join("g", List.of("orders", "payments"), SESSION);

        assertThat(first.generation()).isEqualTo(1);
        assertThat(first.sessionTimeoutMs()).isEqualTo(10_000);
        assertThat(first.partitions()).containsExactly(tp("orders", 0), tp("orders", 1), tp("orders", 2),
                tp("orders", 3), tp("payments", 0), tp("payments", 1));
        assertThat(rebalances).containsExactly("g");
    }

    @Test
    void aJoinStartsANewGenerationThatTheOthersLearnOnHeartbeat() {
        MemberAssignment a = coordinator.join("g", List.of("orders"), SESSION);
        MemberAssignment b = coordinator.join("g", List.of("orders"), SESSION);

        MemberAssignment aNow = coordinator.heartbeat("g", a.memberId());

        assertThat(b.generation()).isEqualTo(2);
        assertThat(aNow.generation()).isEqualTo(2);
        assertThat(aNow.partitions()).hasSize(2);
        assertThat(b.partitions()).hasSize(2).doesNotContainAnyElementsOf(aNow.partitions());
        assertThat(a.partitions()).containsAll(aNow.partitions());
    }

    @Test
    void leavingHandsThePartitionsToTheRest() {
        MemberAssignment a = coordinator.join("g", List.of("orders"), SESSION);
        MemberAssignment b = coordinator.join("g", List.of("orders"), SESSION);

        coordinator.leave("g", b.memberId());

        MemberAssignment aNow = coordinator.heartbeat("g", a.memberId());
        assertThat(aNow.generation()).isEqualTo(3);
        assertThat(aNow.partitions()).hasSize(4);
        assertThatThrownBy(() -> coordinator.heartbeat("g", b.memberId())).isInstanceOf(UnknownMemberException.class);
        assertThatThrownBy(() -> coordinator.leave("g", b.memberId())).isInstanceOf(UnknownMemberException.class);
    }

    @Test
    void aMemberThatMissesItsLeaseIsRemovedAndTheGroupRebalances() {
        MemberAssignment a = coordinator.join("g", List.of("orders"), Duration.ofSeconds(5));
        MemberAssignment b = coordinator.join("g", List.of("orders"), Duration.ofSeconds(30));
        rebalances.clear();

        clock.advance(Duration.ofSeconds(4));
        coordinator.heartbeat("g", b.memberId());
        assertThat(coordinator.heartbeat("g", a.memberId()).generation()).isEqualTo(2);

        clock.advance(Duration.ofMillis(4_999));
        assertThat(coordinator.expireSessions()).isZero();
        clock.advance(Duration.ofMillis(1));
        assertThat(coordinator.expireSessions()).isEqualTo(1);

        assertThat(rebalances).containsExactly("g");
        assertThatThrownBy(() -> coordinator.heartbeat("g", a.memberId()))
                .isInstanceOf(UnknownMemberException.class)
                .hasMessageContaining(a.memberId());
        MemberAssignment bNow = coordinator.heartbeat("g", b.memberId());
        assertThat(bNow.generation()).isEqualTo(3);
        assertThat(bNow.partitions()).hasSize(4);
    }

    @Test
    void expiryNeedsNoSweeperBecauseEveryOperationChecksLeases() {
        MemberAssignment a = coordinator.join("g", List.of("orders"), Duration.ofSeconds(5));
        MemberAssignment b = coordinator.join("g", List.of("orders"), Duration.ofSeconds(30));

        clock.advance(Duration.ofSeconds(6));

        MemberAssignment bNow = coordinator.heartbeat("g", b.memberId());
        assertThat(bNow.generation()).isEqualTo(3);
        assertThat(bNow.partitions()).hasSize(4);
        assertThat(coordinator.describe("g").orElseThrow().members())
                .extracting(GroupView.Member::memberId).containsExactly(b.memberId());
        assertThat(a.memberId()).isNotEqualTo(b.memberId());
    }

    @Test
    void commitsAreFencedByGenerationAndOwnership() {
        MemberAssignment a = coordinator.join("g", List.of("orders"), SESSION);
        coordinator.checkCommit("g", a.memberId(), 1, List.of(tp("orders", 3)));

        MemberAssignment b = coordinator.join("g", List.of("orders"), SESSION);
        MemberAssignment aNow = coordinator.heartbeat("g", a.memberId());
        TopicPartition bOwns = b.partitions().get(0);

        assertThatThrownBy(() -> coordinator.checkCommit("g", a.memberId(), 1, aNow.partitions()))
                .isInstanceOfSatisfying(GenerationFencedException.class, e -> {
                    assertThat(e.requestedGeneration()).isEqualTo(1);
                    assertThat(e.currentGeneration()).isEqualTo(2);
                    assertThat(e.memberId()).isEqualTo(a.memberId());
                });
        assertThatThrownBy(() -> coordinator.checkCommit("g", a.memberId(), 2, List.of(aNow.partitions().get(0), bOwns)))
                .isInstanceOfSatisfying(PartitionNotOwnedException.class,
                        e -> assertThat(e.topicPartition()).isEqualTo(bOwns));
        assertThatThrownBy(() -> coordinator.checkCommit("g", a.memberId(), 2, List.of(tp("payments", 0))))
                .isInstanceOf(PartitionNotOwnedException.class);
        assertThatThrownBy(() -> coordinator.checkCommit("g", "member-nobody", 2, aNow.partitions()))
                .isInstanceOf(UnknownMemberException.class);
        assertThatThrownBy(() -> coordinator.checkCommit("other", a.memberId(), 2, aNow.partitions()))
                .isInstanceOf(UnknownMemberException.class);
        coordinator.checkCommit("g", a.memberId(), 2, aNow.partitions());
    }

    @Test
    void aCommitRenewsTheLease() {
        MemberAssignment a = coordinator.join("g", List.of("orders"), Duration.ofSeconds(5));
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(4));
            coordinator.checkCommit("g", a.memberId(), 1, a.partitions());
        }
        assertThat(coordinator.heartbeat("g", a.memberId()).generation()).isEqualTo(1);
    }

    @Test
    void partitionCountChangesStartANewGeneration() {
        MemberAssignment a = coordinator.join("g", List.of("orders", "later"), SESSION);
        MemberAssignment b = coordinator.join("g", List.of("orders", "later"), SESSION);
        assertThat(coordinator.heartbeat("g", a.memberId()).partitions()).hasSize(2);

        topics.put("later", 6);

        assertThat(coordinator.expireSessions()).isEqualTo(1);
        MemberAssignment aNow = coordinator.heartbeat("g", a.memberId());
        MemberAssignment bNow = coordinator.heartbeat("g", b.memberId());
        assertThat(aNow.generation()).isEqualTo(3);
        assertThat(aNow.partitions()).hasSize(5);
        assertThat(bNow.partitions()).hasSize(5);

        topics.remove("orders");
        MemberAssignment afterDelete = coordinator.heartbeat("g", a.memberId());
        assertThat(afterDelete.generation()).isEqualTo(4);
        assertThat(afterDelete.partitions()).extracting(TopicPartition::topic).containsOnly("later").hasSize(3);
    }

    @Test
    void describeShowsMembersLeasesAndPartitions() {
        MemberAssignment a = coordinator.join("g", List.of("payments", "orders"), Duration.ofSeconds(7));

        GroupView view = coordinator.describe("g").orElseThrow();

        assertThat(view.generation()).isEqualTo(1);
        assertThat(view.state()).isEqualTo("Stable");
        assertThat(view.members()).singleElement().satisfies(m -> {
            assertThat(m.memberId()).isEqualTo(a.memberId());
            assertThat(m.topics()).containsExactlyInAnyOrder("orders", "payments");
            assertThat(m.expiresAtMs()).isEqualTo(clock.millis() + 7_000);
            assertThat(m.partitions()).hasSize(6);
        });
        assertThat(coordinator.describe("missing")).isEmpty();
        coordinator.leave("g", a.memberId());
        assertThat(coordinator.describe("g").orElseThrow().state()).isEqualTo("Empty");
        assertThat(coordinator.groupNames()).containsExactly("g");
    }

    @Test
    void badRequestsAreRefusedWithTheFieldAtFault() {
        assertThatThrownBy(() -> coordinator.join("bad/name", List.of("orders"), SESSION))
                .isInstanceOfSatisfying(InvalidGroupRequestException.class, e -> assertThat(e.field()).isEqualTo("group"));
        assertThatThrownBy(() -> coordinator.join("g", List.of(), SESSION))
                .isInstanceOfSatisfying(InvalidGroupRequestException.class, e -> assertThat(e.field()).isEqualTo("topics"));
        assertThatThrownBy(() -> coordinator.join("g", List.of("ok", "not ok"), SESSION))
                .isInstanceOfSatisfying(InvalidGroupRequestException.class, e -> assertThat(e.field()).isEqualTo("topics"));
        assertThatThrownBy(() -> coordinator.join("g", List.of("orders"), Duration.ofMillis(10)))
                .isInstanceOfSatisfying(InvalidGroupRequestException.class,
                        e -> assertThat(e.field()).isEqualTo("sessionTimeoutMs"));
        assertThatThrownBy(() -> coordinator.join("g", List.of("orders"), Duration.ofHours(1)))
                .isInstanceOf(InvalidGroupRequestException.class);
        assertThat(coordinator.groupNames()).isEmpty();
        assertThat(coordinator.join("g", List.of("orders"), null).sessionTimeoutMs()).isEqualTo(10_000);
    }

    @Test
    void aFullGroupRefusesJoinsUntilAMemberExpires() {
        GroupCoordinator small = new GroupCoordinator(clock, topic -> 3,
                new GroupSettings(Duration.ofSeconds(1), Duration.ofMinutes(1), SESSION, 2, 10));
        small.join("g", List.of("t"), Duration.ofSeconds(2));
        small.join("g", List.of("t"), Duration.ofSeconds(20));

        assertThatThrownBy(() -> small.join("g", List.of("t"), SESSION))
                .isInstanceOfSatisfying(GroupFullException.class, e -> assertThat(e.maxMembers()).isEqualTo(2));
        clock.advance(Duration.ofSeconds(3));
        MemberAssignment third = small.join("g", List.of("t"), SESSION);
        assertThat(third.generation()).isEqualTo(4);
    }

    @Test
    void generationsContinueAboveARaisedFloor() {
        coordinator.raiseGeneration("g", 41);
        coordinator.raiseGeneration("g", 7);

        assertThat(coordinator.join("g", List.of("orders"), SESSION).generation()).isEqualTo(42);
    }

    /**
     * Threads join, heartbeat, commit and leave at random against one group; afterwards every partition has
     * exactly one owner among the live members. Bounded: 4 threads x 300 operations.
     */
    @Test
    void concurrentMembershipChangesKeepExactlyOneOwnerPerPartition() throws Exception {
        long seed = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Random random = new Random(seed + t);
                futures.add(pool.submit(() -> {
                    List<String> mine = new ArrayList<>();
                    for (int i = 0; i < 300; i++) {
                        int action = random.nextInt(4);
                        if (action == 0 || mine.isEmpty()) {
                            mine.add(coordinator.join("g", List.of("orders", "payments"), SESSION).memberId());
                        } else if (action == 1) {
                            coordinator.leave("g", mine.remove(random.nextInt(mine.size())));
                        } else {
                            MemberAssignment m = coordinator.heartbeat("g", mine.get(random.nextInt(mine.size())));
                            try {
                                coordinator.checkCommit("g", m.memberId(), m.generation(), m.partitions());
                            } catch (GenerationFencedException expectedUnderConcurrency) {
                                // another thread rebalanced between the heartbeat and the commit
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        GroupView view = coordinator.describe("g").orElseThrow();
        Map<TopicPartition, String> owners = new HashMap<>();
        Set<TopicPartition> seen = new HashSet<>();
        for (GroupView.Member m : view.members()) {
            for (TopicPartition tp : m.partitions()) {
                assertThat(seen.add(tp)).as("seed " + seed + ": " + tp + " owned twice").isTrue();
                owners.put(tp, m.memberId());
            }
        }
        assertThat(owners).as("seed " + seed).hasSize(view.members().isEmpty() ? 0 : 6);
    }

    private static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }
}
