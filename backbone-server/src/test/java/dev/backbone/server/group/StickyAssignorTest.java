package dev.backbone.server.group;

import dev.backbone.server.log.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

class StickyAssignorTest {

    static LongStream seeds() {
        long base = Long.getLong("assignor.seed", System.nanoTime());
        return LongStream.range(0, 40).map(i -> base + i);
    }

    @Test
    void spreadsEvenlyOverNewMembers() {
        Map<String, SortedSet<TopicPartition>> result = StickyAssignor.assign(
                Map.of("a", Set.of("t"), "b", Set.of("t"), "c", Set.of("t")), Map.of("t", 7), Map.of());

        assertThat(result.get("a")).hasSize(3);
        assertThat(result.get("b")).hasSize(2);
        assertThat(result.get("c")).hasSize(2);
        assertThat(owners(result)).hasSize(7);
    }

    @Test
    void aJoiningMemberTakesOnlyWhatBalanceRequires() {
        Map<String, SortedSet<TopicPartition>> before = StickyAssignor.assign(
                Map.of("a", Set.of("t"), "b", Set.of("t")), Map.of("t", 6), Map.of());

        Map<String, SortedSet<TopicPartition>> after = StickyAssignor.assign(
                Map.of("a", Set.of("t"), "b", Set.of("t"), "c", Set.of("t")), Map.of("t", 6), before);

        assertThat(after.get("c")).hasSize(2);
        assertThat(before.get("a")).containsAll(after.get("a"));
        assertThat(before.get("b")).containsAll(after.get("b"));
        assertThat(after.get("a")).hasSize(2);
        assertThat(after.get("b")).hasSize(2);
    }

    @Test
    void aLeavingMembersPartitionsGoToTheOthersAndNothingElseMoves() {
        Map<String, SortedSet<TopicPartition>> before = StickyAssignor.assign(
                Map.of("a", Set.of("t"), "b", Set.of("t"), "c", Set.of("t")), Map.of("t", 9), Map.of());

        Map<String, SortedSet<TopicPartition>> after = StickyAssignor.assign(
                Map.of("a", Set.of("t"), "c", Set.of("t")), Map.of("t", 9), before);

        assertThat(after.get("a")).containsAll(before.get("a"));
        assertThat(after.get("c")).containsAll(before.get("c"));
        assertThat(after.get("a").size() + after.get("c").size()).isEqualTo(9);
        assertThat(Math.abs(after.get("a").size() - after.get("c").size())).isLessThanOrEqualTo(1);
    }

    @Test
    void membersWithoutPartitionsAreListedAndUnknownTopicsHaveNone() {
        Map<String, SortedSet<TopicPartition>> result = StickyAssignor.assign(
                Map.of("a", Set.of("t"), "b", Set.of("t"), "c", Set.of("missing")), Map.of("t", 1), Map.of());

        assertThat(result).containsOnlyKeys("a", "b", "c");
        assertThat(result.get("a").size() + result.get("b").size()).isEqualTo(1);
        assertThat(result.get("c")).isEmpty();
    }

    @Test
    void ignoresPreviousClaimsOnVanishedPartitionsAndUnsubscribedTopics() {
        Map<String, Set<TopicPartition>> previous = Map.of(
                "a", Set.of(new TopicPartition("t", 0), new TopicPartition("t", 5), new TopicPartition("u", 0)));

        Map<String, SortedSet<TopicPartition>> result = StickyAssignor.assign(
                Map.of("a", Set.of("t")), Map.of("t", 2, "u", 1), previous);

        assertThat(result.get("a")).containsExactly(new TopicPartition("t", 0), new TopicPartition("t", 1));
    }

    /**
     * Random histories of joins, leaves and partition-count changes, all members subscribing to the same topics:
     * after every step each partition has exactly one owner, loads differ by at most one, and the number of
     * partitions taken from a surviving owner equals the lower bound any even assignment must pay.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void randomHistoriesWithOneSubscriptionAreEvenAndMoveTheMinimum(long seed) {
        Random random = new Random(seed);
        Set<String> topics = Set.of("t0", "t1", "t2");
        Map<String, Set<String>> subscriptions = new TreeMap<>();
        Map<String, Integer> counts = new HashMap<>(Map.of("t0", 1 + random.nextInt(8), "t1", 1 + random.nextInt(8),
                "t2", random.nextInt(8)));
        Map<String, SortedSet<TopicPartition>> current = new TreeMap<>();
        int nextMember = 0;
        for (int step = 0; step < 60; step++) {
            int action = random.nextInt(10);
            if (action < 4 || subscriptions.isEmpty()) {
                for (int i = 1 + random.nextInt(2); i > 0; i--) {
                    subscriptions.put("m" + nextMember++, topics);
                }
            } else if (action < 8) {
                List<String> names = new ArrayList<>(subscriptions.keySet());
                subscriptions.remove(names.get(random.nextInt(names.size())));
            } else {
                counts.put("t" + random.nextInt(3), random.nextInt(12));
            }
            if (subscriptions.isEmpty()) {
                current = new TreeMap<>();
                continue;
            }
            Map<String, SortedSet<TopicPartition>> next = StickyAssignor.assign(subscriptions, counts, current);
            String context = "seed " + seed + " step " + step + " before " + current + " after " + next;

            assertEveryPartitionOwnedOnce(next, subscriptions, counts, context);
            int max = next.values().stream().mapToInt(Set::size).max().orElseThrow();
            int min = next.values().stream().mapToInt(Set::size).min().orElseThrow();
            assertThat(max - min).as(context).isLessThanOrEqualTo(1);
            assertThat(moves(current, next, subscriptions, counts))
                    .as(context).isEqualTo(minimumMoves(current, subscriptions, counts));
            assertThat(StickyAssignor.assign(subscriptions, counts, next)).as(context).isEqualTo(next);
            current = next;
        }
    }

    /**
     * Random histories where members subscribe to different topics: exactly one eligible owner per partition, no
     * partition could move to a candidate holding two fewer, and an assignment that is already balanced stays as
     * it is.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void randomHistoriesWithMixedSubscriptionsAreBalancedAndStable(long seed) {
        Random random = new Random(seed);
        List<String> allTopics = List.of("a", "b", "c", "d");
        Map<String, Set<String>> subscriptions = new TreeMap<>();
        Map<String, Integer> counts = new HashMap<>();
        for (String topic : allTopics) {
            counts.put(topic, random.nextInt(10));
        }
        Map<String, SortedSet<TopicPartition>> current = new TreeMap<>();
        for (int step = 0; step < 60; step++) {
            if (random.nextInt(3) > 0 || subscriptions.isEmpty()) {
                Set<String> topics = new TreeSet<>();
                for (String topic : allTopics) {
                    if (random.nextBoolean()) {
                        topics.add(topic);
                    }
                }
                subscriptions.put("m" + random.nextInt(12), topics);
            } else {
                List<String> names = new ArrayList<>(subscriptions.keySet());
                subscriptions.remove(names.get(random.nextInt(names.size())));
            }
            if (subscriptions.isEmpty()) {
                continue;
            }
            Map<String, SortedSet<TopicPartition>> next = StickyAssignor.assign(subscriptions, counts, current);
            String context = "seed " + seed + " step " + step + " subscriptions " + subscriptions + " after " + next;

            assertEveryPartitionOwnedOnce(next, subscriptions, counts, context);
            next.forEach((member, partitions) -> {
                for (TopicPartition tp : partitions) {
                    subscriptions.forEach((other, topics) -> {
                        if (topics.contains(tp.topic())) {
                            assertThat(partitions.size() - next.get(other).size())
                                    .as(context + ": " + tp + " could move from " + member + " to " + other)
                                    .isLessThanOrEqualTo(1);
                        }
                    });
                }
            });
            assertThat(StickyAssignor.assign(subscriptions, counts, next)).as(context).isEqualTo(next);
            current = next;
        }
    }

    private static void assertEveryPartitionOwnedOnce(Map<String, SortedSet<TopicPartition>> assignment,
                                                      Map<String, Set<String>> subscriptions,
                                                      Map<String, Integer> counts, String context) {
        assertThat(assignment.keySet()).as(context).isEqualTo(subscriptions.keySet());
        Map<TopicPartition, String> owners = owners(assignment);
        Set<TopicPartition> expected = new TreeSet<>(java.util.Comparator.comparing(TopicPartition::toString));
        subscriptions.values().forEach(topics -> topics.forEach(topic -> {
            for (int p = 0; p < counts.getOrDefault(topic, 0); p++) {
                expected.add(new TopicPartition(topic, p));
            }
        }));
        int total = assignment.values().stream().mapToInt(Set::size).sum();
        assertThat(total).as(context + ": a partition owned twice").isEqualTo(owners.size());
        assertThat(owners.keySet()).as(context).containsExactlyInAnyOrderElementsOf(expected);
        owners.forEach((tp, member) ->
                assertThat(subscriptions.get(member)).as(context + ": owner of " + tp).contains(tp.topic()));
    }

    private static Map<TopicPartition, String> owners(Map<String, SortedSet<TopicPartition>> assignment) {
        Map<TopicPartition, String> owners = new HashMap<>();
        assignment.forEach((member, partitions) -> partitions.forEach(tp -> owners.put(tp, member)));
        return owners;
    }

    /** Partitions whose previous owner could have kept them (still there, still subscribed) but lost them. */
    private static int moves(Map<String, SortedSet<TopicPartition>> before, Map<String, SortedSet<TopicPartition>> after,
                             Map<String, Set<String>> subscriptions, Map<String, Integer> counts) {
        int moves = 0;
        for (Map.Entry<String, SortedSet<TopicPartition>> entry : before.entrySet()) {
            for (TopicPartition tp : retained(entry.getKey(), entry.getValue(), subscriptions, counts)) {
                if (!after.get(entry.getKey()).contains(tp)) {
                    moves++;
                }
            }
        }
        return moves;
    }

    /**
     * With one subscription, P partitions and N members, an even assignment gives P mod N members ceil(P/N) and
     * the rest floor(P/N); the cheapest gives the larger quotas to the members that keep most.
     */
    private static int minimumMoves(Map<String, SortedSet<TopicPartition>> before,
                                    Map<String, Set<String>> subscriptions, Map<String, Integer> counts) {
        Set<String> topics = subscriptions.values().iterator().next();
        int partitions = topics.stream().mapToInt(t -> counts.getOrDefault(t, 0)).sum();
        int members = subscriptions.size();
        List<Integer> kept = new ArrayList<>();
        for (String member : subscriptions.keySet()) {
            kept.add(retained(member, before.getOrDefault(member, new TreeSet<>()), subscriptions, counts).size());
        }
        kept.sort(java.util.Comparator.reverseOrder());
        int moves = 0;
        for (int i = 0; i < kept.size(); i++) {
            int quota = partitions / members + (i < partitions % members ? 1 : 0);
            moves += Math.max(0, kept.get(i) - quota);
        }
        return moves;
    }

    private static List<TopicPartition> retained(String member, Set<TopicPartition> owned,
                                                 Map<String, Set<String>> subscriptions, Map<String, Integer> counts) {
        List<TopicPartition> retained = new ArrayList<>();
        Set<String> topics = subscriptions.get(member);
        if (topics == null) {
            return retained;
        }
        for (TopicPartition tp : owned) {
            if (topics.contains(tp.topic()) && tp.partition() < counts.getOrDefault(tp.topic(), 0)) {
                retained.add(tp);
            }
        }
        return retained;
    }
}
