package dev.backbone.server.group;

import dev.backbone.server.log.TopicPartition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Spreads a group's partitions over its members: every partition of a subscribed topic goes to exactly one member
 * that subscribes to it, the members' loads are balanced, and a rebalance moves as few partitions as it can.
 *
 * <p>The algorithm, in the spirit of Kafka's sticky assignor:
 * <ol>
 *   <li>every partition keeps its previous owner while that member is still in the group and still subscribes
 *       to the topic;</li>
 *   <li>partitions without an owner go, fewest candidates first, to the least loaded member that subscribes to
 *       them;</li>
 *   <li>while some partition's owner holds at least two more partitions than another member that could take it,
 *       the most loaded member hands one partition to the least loaded candidate.</li>
 * </ol>
 * Each hand-over of step 3 lowers the sum of squared loads, so the loop ends. When every member subscribes to the
 * same topics the result is perfectly even (loads differ by at most one) and moves the fewest partitions any even
 * assignment could; with different subscriptions it is balanced in Kafka's sense: no partition can move to a
 * member that holds two or more fewer partitions than its owner. Ties are broken by member id and partition
 * order, so the same input always gives the same output.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class StickyAssignor {

    private static final Comparator<TopicPartition> PARTITION_ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private StickyAssignor() {
    }

    /**
     * Computes an assignment.
     *
     * @param subscriptions   each member's subscribed topics
     * @param partitionCounts each subscribed topic's partition count; a topic missing here (or with 0) has none
     * @param previous        the current owners' partitions; entries of departed members and partitions that no
     *                        longer exist are ignored
     * @return every member (including those with no partition) mapped to its partitions, sorted
     */
    public static Map<String, SortedSet<TopicPartition>> assign(Map<String, Set<String>> subscriptions,
                                                                Map<String, Integer> partitionCounts,
                                                                Map<String, ? extends Set<TopicPartition>> previous) {
        List<String> members = new ArrayList<>(new TreeSet<>(subscriptions.keySet()));
        Map<TopicPartition, List<String>> candidates = candidates(subscriptions, partitionCounts, members);

        Map<String, SortedSet<TopicPartition>> owned = new TreeMap<>();
        for (String member : members) {
            owned.put(member, new TreeSet<>(PARTITION_ORDER));
        }
        Map<TopicPartition, String> owner = new HashMap<>();
        keepPreviousOwners(previous, candidates, owned, owner);

        List<TopicPartition> unowned = new ArrayList<>();
        for (TopicPartition tp : candidates.keySet()) {
            if (!owner.containsKey(tp)) {
                unowned.add(tp);
            }
        }
        unowned.sort(Comparator.<TopicPartition>comparingInt(tp -> candidates.get(tp).size()).thenComparing(PARTITION_ORDER));
        for (TopicPartition tp : unowned) {
            String target = leastLoaded(candidates.get(tp), owned);
            owned.get(target).add(tp);
            owner.put(tp, target);
        }
        balance(members, candidates, owned, owner);
        return owned;
    }

    /** Each existing partition of a subscribed topic with the members (sorted) that may own it. */
    private static Map<TopicPartition, List<String>> candidates(Map<String, Set<String>> subscriptions,
                                                                Map<String, Integer> partitionCounts,
                                                                List<String> members) {
        Map<String, List<String>> subscribers = new TreeMap<>();
        for (String member : members) {
            for (String topic : subscriptions.get(member)) {
                subscribers.computeIfAbsent(topic, t -> new ArrayList<>()).add(member);
            }
        }
        Map<TopicPartition, List<String>> candidates = new TreeMap<>(PARTITION_ORDER);
        subscribers.forEach((topic, topicMembers) -> {
            int count = partitionCounts.getOrDefault(topic, 0);
            for (int p = 0; p < count; p++) {
                candidates.put(new TopicPartition(topic, p), topicMembers);
            }
        });
        return candidates;
    }

    private static void keepPreviousOwners(Map<String, ? extends Set<TopicPartition>> previous,
                                           Map<TopicPartition, List<String>> candidates,
                                           Map<String, SortedSet<TopicPartition>> owned,
                                           Map<TopicPartition, String> owner) {
        // Sorted so that a partition claimed twice in a corrupt input keeps the same winner every time.
        for (String member : new TreeSet<>(previous.keySet())) {
            SortedSet<TopicPartition> mine = owned.get(member);
            if (mine == null) {
                continue;
            }
            for (TopicPartition tp : previous.get(member)) {
                List<String> allowed = candidates.get(tp);
                if (allowed != null && allowed.contains(member) && !owner.containsKey(tp)) {
                    mine.add(tp);
                    owner.put(tp, member);
                }
            }
        }
    }

    private static String leastLoaded(List<String> allowed, Map<String, SortedSet<TopicPartition>> owned) {
        String best = null;
        for (String member : allowed) {
            if (best == null || owned.get(member).size() < owned.get(best).size()) {
                best = member;
            }
        }
        return best;
    }

    private static void balance(List<String> members, Map<TopicPartition, List<String>> candidates,
                                Map<String, SortedSet<TopicPartition>> owned, Map<TopicPartition, String> owner) {
        Comparator<String> byLoadDescending = Comparator.<String>comparingInt(m -> owned.get(m).size()).reversed()
                .thenComparing(Comparator.naturalOrder());
        boolean moved = true;
        while (moved) {
            moved = false;
            List<String> byLoad = new ArrayList<>(members);
            byLoad.sort(byLoadDescending);
            search:
            for (String from : byLoad) {
                int fromLoad = owned.get(from).size();
                for (TopicPartition tp : owned.get(from)) {
                    String to = leastLoaded(candidates.get(tp), owned);
                    if (fromLoad - owned.get(to).size() >= 2) {
                        owned.get(from).remove(tp);
                        owned.get(to).add(tp);
                        owner.put(tp, to);
                        moved = true;
                        break search;
                    }
                }
            }
        }
    }
}
