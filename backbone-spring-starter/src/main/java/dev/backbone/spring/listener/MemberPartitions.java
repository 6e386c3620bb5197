package dev.backbone.spring.listener;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import dev.backbone.client.http.AssignedPartition;
import dev.backbone.client.http.GroupMembership;

/**
 * A group member's identity and the partitions it owns, as the last join, heartbeat or fetch told it: the member
 * id, the generation, and per partition its {@link OwnedPartition} state. A newly gained partition is held for
 * {@code holdNanos} while another live member may still be finishing its record of it.
 *
 * <p>Thread-safety: shared by the member's processing thread and the heartbeat thread. Membership changes happen
 * under this object's monitor; {@link #owned()} is a concurrent map that readers may use without it.
 */
final class MemberPartitions {

    private final Map<TopicPartition, OwnedPartition> owned = new ConcurrentHashMap<>();

    private final long holdNanos;

    private volatile String memberId;

    private volatile int generation = -1;

    /**
     * @param holdNanos how long a gained partition waits before it is processed, unless the member is alone
     */
    MemberPartitions(long holdNanos) {
        this.holdNanos = holdNanos;
    }

    /** The member id, or null while not a member. */
    String memberId() {
        return memberId;
    }

    int generation() {
        return generation;
    }

    /**
     * The partitions owned now; a revoked partition leaves the map (so an identity check detects revocation), and
     * is marked {@link OwnedPartition#revoked} before it does.
     */
    Map<TopicPartition, OwnedPartition> owned() {
        return owned;
    }

    /** Starts over as a new member with no partitions yet. */
    synchronized void joined(String newMemberId) {
        memberId = newMemberId;
        generation = -1;
        revokeAll();
    }

    /**
     * Applies an assignment of this member's, unless it is of the generation already applied.
     *
     * @param aloneInGroup asked, with the member id, only when partitions are gained: whether no other member may
     *                     still be processing them (then they are not held)
     */
    synchronized void apply(GroupMembership membership, Predicate<String> aloneInGroup) {
        if (!membership.memberId().equals(memberId) || membership.generation() == generation) {
            return;
        }
        Set<TopicPartition> assigned = new HashSet<>();
        for (AssignedPartition a : membership.assignments()) {
            assigned.add(new TopicPartition(a.topic(), a.partition()));
        }
        owned.entrySet().removeIf(entry -> {
            if (assigned.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().revoked = true;
            return true;
        });
        long holdUntil = System.nanoTime() + holdNanos;
        boolean gains = !owned.keySet().containsAll(assigned);
        boolean alone = gains && aloneInGroup.test(membership.memberId());
        for (AssignedPartition a : membership.assignments()) {
            owned.computeIfAbsent(new TopicPartition(a.topic(), a.partition()),
                    tp -> new OwnedPartition(alone ? 0 : holdUntil, Math.max(0, a.committedOffset()),
                            a.committedOffset() >= 0));
        }
        generation = membership.generation();
    }

    /** Forgets the membership {@code id} (expired or left); a later id is kept. */
    synchronized void lost(String id) {
        if (id != null && id.equals(memberId)) {
            memberId = null;
            generation = -1;
            revokeAll();
        }
    }

    private void revokeAll() {
        owned.values().forEach(partition -> partition.revoked = true);
        owned.clear();
    }
}
