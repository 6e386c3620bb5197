package dev.backbone.spring.listener;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The binary reads a member starts before it handles the records in hand: for each partition whose answer showed
 * more records behind it, a read from where the records in hand end. The broker reads and sends the next batches
 * while the listener method runs, instead of after it. Each partition is still handled in offset order by one
 * thread, and commits still follow processing: a read ahead only fetches, and its answer is used only when the
 * member's position in the partition is where the read started (see {@link GroupMember}); otherwise (a rebalance,
 * a failed record, a pause) it is dropped unused.
 *
 * <p>Confined to the member's processing thread.
 */
final class ReadAhead {

    private final PartitionFetches fetches;

    private CompletableFuture<List<PartitionFetches.Answer>> pending;

    private Set<PartitionFetches.Start> pendingStarts = Set.of();

    ReadAhead(PartitionFetches fetches) {
        this.fetches = fetches;
    }

    /** Starts reads from {@code starts} now, dropping any earlier read ahead. */
    void start(List<PartitionFetches.Start> starts) {
        drop();
        if (!starts.isEmpty()) {
            pending = fetches.fetch(starts);
            pendingStarts = new HashSet<>(starts);
        }
    }

    /**
     * The reads for {@code starts}: the answers read ahead from the same offsets, and new reads for the rest. A read
     * ahead from an offset not asked for any more is left out.
     */
    CompletableFuture<List<PartitionFetches.Answer>> readsFor(List<PartitionFetches.Start> starts) {
        CompletableFuture<List<PartitionFetches.Answer>> ahead = pending;
        Set<PartitionFetches.Start> aheadStarts = pendingStarts;
        pending = null;
        pendingStarts = Set.of();
        if (ahead == null) {
            return fetches.fetch(starts);
        }
        Set<PartitionFetches.Start> wanted = new HashSet<>(starts);
        List<PartitionFetches.Start> missing = new ArrayList<>();
        for (PartitionFetches.Start start : starts) {
            if (!aheadStarts.contains(start)) {
                missing.add(start);
            }
        }
        if (missing.size() == starts.size()) {
            ahead.cancel(true);
            return fetches.fetch(starts);
        }
        CompletableFuture<List<PartitionFetches.Answer>> used = ahead.thenApply(answers -> {
            List<PartitionFetches.Answer> kept = new ArrayList<>(answers.size() + missing.size());
            for (PartitionFetches.Answer answer : answers) {
                if (wanted.contains(answer.start())) {
                    kept.add(answer);
                }
            }
            return kept;
        });
        if (missing.isEmpty()) {
            return used;
        }
        return used.thenCombine(fetches.fetch(missing), (kept, fresh) -> {
            kept.addAll(fresh);
            return kept;
        });
    }

    /** Cancels a read ahead, if one is under way: the member long-polls, joins again or stops. */
    void drop() {
        if (pending != null) {
            pending.cancel(true);
        }
        pending = null;
        pendingStarts = Set.of();
    }
}
