package dev.backbone.spring.listener;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.backbone.client.http.GroupFetchResult;
import dev.backbone.client.http.PartitionRecords;

/**
 * The group fetch (long poll) a member that has caught up starts before it handles the records in hand, from where
 * those records end, as Kafka's consumer keeps its next fetch in flight: the broker is already waiting for the next
 * record while the listener method runs, and a record that arrives meanwhile is on its way back when the method
 * returns. Its answer is used for a partition only when the member's position there is where the poll started (the
 * records in hand were all handled); otherwise (a failed or aborted record, a rebalance) that partition's records
 * are left for the next fetch, which starts from the member's real position.
 *
 * <p>Confined to the member's processing thread.
 */
final class PollAhead {

    /**
     * A poll on its way and the position it assumed per partition; a partition absent from {@code starts} was left
     * to the broker (the group's committed offset or the log start).
     */
    record Poll(CompletableFuture<GroupFetchResult> answer, Map<TopicPartition, Long> starts) {

        /** Whether this poll's records of {@code tp} follow on from {@code position}. */
        boolean startsAt(TopicPartition tp, long position) {
            Long start = starts.get(tp);
            return start == null || start == position;
        }
    }

    private Poll pending;

    /** Keeps {@code poll} for the next fetch, dropping any earlier one. */
    void start(Poll poll) {
        drop();
        pending = poll;
    }

    /** Whether a poll started ahead is on its way. */
    boolean isPending() {
        return pending != null;
    }

    /** The poll started ahead, or null; it is no longer pending. */
    Poll take() {
        Poll poll = pending;
        pending = null;
        return poll;
    }

    /** Cancels the poll on its way, if any: the member reads binary, is paused, joins again or stops. */
    void drop() {
        if (pending != null) {
            pending.answer().cancel(true);
            pending = null;
        }
    }

    /** Positions handled but not yet committed: a poll leaves the others to the group's committed offset. */
    static Map<TopicPartition, Long> uncommittedPositions(Map<TopicPartition, OwnedPartition> owned) {
        Map<TopicPartition, Long> from = new HashMap<>();
        owned.forEach((tp, o) -> {
            if (o.position > o.committed) {
                from.put(tp, o.position);
            }
        });
        return from;
    }

    /**
     * Where each owned partition will stand once the records of {@code result} (the answer to {@code poll}) are
     * handled, for a poll started ahead; null when none should be started: a partition with records is held after
     * a rebalance, the answer does not follow on from the member's position, or it left records behind (the member
     * then reads binary).
     */
    static Map<TopicPartition, Long> positionsAfter(GroupFetchResult result, Poll poll,
                                                    Map<TopicPartition, OwnedPartition> owned, long nowNanos) {
        Map<TopicPartition, Long> next = new HashMap<>();
        owned.forEach((tp, o) -> {
            if (o.positionKnown) {
                next.put(tp, o.position);
            }
        });
        for (PartitionRecords records : result.partitions()) {
            TopicPartition tp = new TopicPartition(records.topic(), records.partition());
            OwnedPartition partition = owned.get(tp);
            if (partition == null) {
                continue;
            }
            if (records.records().isEmpty()) {
                next.put(tp, partition.positionKnown ? partition.position : records.nextOffset());
                continue;
            }
            long after = records.records().get(records.records().size() - 1).offset() + 1;
            if (!partition.processable(nowNanos) || !poll.startsAt(tp, partition.position)
                    || records.endOffset() > after) {
                return null;
            }
            next.put(tp, after);
        }
        return next;
    }
}
