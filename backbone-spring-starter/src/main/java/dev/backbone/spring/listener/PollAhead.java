package dev.backbone.spring.listener;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.backbone.client.http.GroupFetchResult;

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
}
