package dev.backbone.server.group;

import dev.backbone.server.log.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One group's membership and assignment; the coordinator's unit of locking.
 *
 * <p>Thread safety: not thread-safe; every method is called with this object's monitor held (the coordinator
 * synchronizes on it).
 */
final class GroupState {

    private final String name;
    private final Map<String, Member> members = new TreeMap<>();
    private Map<String, SortedSet<TopicPartition>> assignment = new TreeMap<>();
    /** The partition counts the current assignment was computed from, per subscribed topic. */
    private Map<String, Integer> assignedCounts = new HashMap<>();
    private int generation;

    GroupState(String name, int generation) {
        this.name = name;
        this.generation = generation;
    }

    String name() {
        return name;
    }

    int generation() {
        return generation;
    }

    int memberCount() {
        return members.size();
    }

    Member member(String memberId) {
        return members.get(memberId);
    }

    void addMember(Member member) {
        members.put(member.id, member);
    }

    boolean removeMember(String memberId) {
        return members.remove(memberId) != null;
    }

    /** Removes every member; true if there was any. */
    boolean removeAllMembers() {
        boolean any = !members.isEmpty();
        members.clear();
        return any;
    }

    /** Removes members whose lease ended at or before {@code nowMs}; true if any was removed. */
    boolean expire(long nowMs) {
        return members.values().removeIf(m -> m.expiresAtMs <= nowMs);
    }

    /** Raises the generation to at least {@code floor}, so numbers are not reused after a restart. */
    void raiseGenerationTo(int floor) {
        generation = Math.max(generation, floor);
    }

    /** True if a subscribed topic's partition count differs from the one the assignment was computed with. */
    boolean partitionCountsChanged(PartitionCounts counts) {
        return !currentCounts(counts).equals(assignedCounts);
    }

    /** Starts a new generation and reassigns, keeping current owners where balance allows. */
    void rebalance(PartitionCounts counts) {
        Map<String, Set<String>> subscriptions = new TreeMap<>();
        members.forEach((id, member) -> subscriptions.put(id, member.topics));
        assignedCounts = currentCounts(counts);
        assignment = StickyAssignor.assign(subscriptions, assignedCounts, assignment);
        generation++;
    }

    List<TopicPartition> partitionsOf(String memberId) {
        SortedSet<TopicPartition> owned = assignment.get(memberId);
        return owned == null ? List.of() : new ArrayList<>(owned);
    }

    boolean owns(String memberId, TopicPartition tp) {
        SortedSet<TopicPartition> owned = assignment.get(memberId);
        return owned != null && owned.contains(tp);
    }

    GroupView view() {
        List<GroupView.Member> list = new ArrayList<>();
        for (Member m : members.values()) {
            list.add(new GroupView.Member(m.id, m.topics, m.sessionTimeoutMs, m.expiresAtMs, partitionsOf(m.id)));
        }
        return new GroupView(name, generation, list);
    }

    private Map<String, Integer> currentCounts(PartitionCounts counts) {
        Map<String, Integer> current = new HashMap<>();
        for (Member member : members.values()) {
            for (String topic : member.topics) {
                current.computeIfAbsent(topic, counts::partitionCount);
            }
        }
        return current;
    }

    /** A live member; its lease is the only mutable part. */
    static final class Member {
        final String id;
        final Set<String> topics;
        final long sessionTimeoutMs;
        long expiresAtMs;

        Member(String id, Set<String> topics, long sessionTimeoutMs, long nowMs) {
            this.id = id;
            this.topics = Set.copyOf(new TreeSet<>(topics));
            this.sessionTimeoutMs = sessionTimeoutMs;
            this.expiresAtMs = nowMs + sessionTimeoutMs;
        }

        void renew(long nowMs) {
            expiresAtMs = nowMs + sessionTimeoutMs;
        }
    }
}
