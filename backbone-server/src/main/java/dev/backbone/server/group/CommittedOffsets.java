package dev.backbone.server.group;

import dev.backbone.server.log.TopicPartition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;

/**
 * The latest committed offset of every (group, partition), as read from the offsets topic: an in-memory view of
 * the log, never a second source of truth. Entries are applied with the offset of the log record that holds them
 * and an older record never overwrites a newer one, so replaying records twice (a rebuild racing a live append)
 * is harmless.
 *
 * <p>Thread safety: thread-safe; updates of one key are atomic, readers see each entry whole.
 */
public final class CommittedOffsets {

    private static final Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private final ConcurrentMap<String, ConcurrentMap<TopicPartition, Slot>> groups = new ConcurrentHashMap<>();

    /**
     * A key's latest state; a tombstone keeps its log offset so an older commit replayed later stays dead.
     * {@code writtenAtMs} is the timestamp of the record that holds it, which decides when retention could
     * delete it.
     */
    private record Slot(long logOffset, CommittedOffset committed, long writtenAtMs) {
    }

    /**
     * A live commit whose record is older than some age, as {@link #writtenBefore} finds it.
     *
     * @param group          the group
     * @param topicPartition the partition
     * @param committed      the commit
     * @param logOffset      the offsets-topic offset of the record holding it
     */
    public record Stale(String group, TopicPartition topicPartition, CommittedOffset committed, long logOffset) {
    }

    /** As {@link #apply(OffsetRecords.Entry, long, long)} for a record whose timestamp does not matter. */
    public boolean apply(OffsetRecords.Entry entry, long logOffset) {
        return apply(entry, logOffset, Long.MAX_VALUE);
    }

    /**
     * Applies one record of the offsets topic; returns false if a newer record of the same key was applied.
     *
     * @param writtenAtMs the record's timestamp
     */
    public boolean apply(OffsetRecords.Entry entry, long logOffset, long writtenAtMs) {
        ConcurrentMap<TopicPartition, Slot> offsets =
                groups.computeIfAbsent(entry.group(), g -> new ConcurrentHashMap<>());
        Slot candidate = new Slot(logOffset, entry.committed(), writtenAtMs);
        boolean[] applied = {false};
        offsets.compute(entry.topicPartition(), (tp, current) -> {
            if (current != null && current.logOffset() >= logOffset) {
                return current;
            }
            applied[0] = true;
            return candidate;
        });
        return applied[0];
    }

    /** True if the latest record of the key is the one at {@code logOffset}. */
    public boolean isLatest(String group, TopicPartition tp, long logOffset) {
        Map<TopicPartition, Slot> offsets = groups.get(group);
        Slot slot = offsets == null ? null : offsets.get(tp);
        return slot != null && slot.logOffset() == logOffset;
    }

    /** Live commits of {@code group} whose record was written before {@code thresholdMs}. */
    public List<Stale> writtenBefore(String group, long thresholdMs) {
        List<Stale> stale = new ArrayList<>();
        Map<TopicPartition, Slot> offsets = groups.get(group);
        if (offsets != null) {
            offsets.forEach((tp, slot) -> {
                if (slot.committed() != null && slot.writtenAtMs() < thresholdMs) {
                    stale.add(new Stale(group, tp, slot.committed(), slot.logOffset()));
                }
            });
        }
        stale.sort(Comparator.comparing(Stale::topicPartition, ORDER));
        return stale;
    }

    /**
     * Forgets the entries of the groups {@code inPartition} accepts whose record lies below {@code logStartOffset}:
     * retention deleted it, so after a restart it would be gone too.
     *
     * @return the number of entries forgotten
     */
    public int dropBelow(Predicate<String> inPartition, long logStartOffset) {
        int dropped = 0;
        for (Map.Entry<String, ConcurrentMap<TopicPartition, Slot>> group : groups.entrySet()) {
            if (!inPartition.test(group.getKey())) {
                continue;
            }
            for (Map.Entry<TopicPartition, Slot> entry : group.getValue().entrySet()) {
                if (entry.getValue().logOffset() < logStartOffset
                        && group.getValue().remove(entry.getKey(), entry.getValue())) {
                    dropped++;
                }
            }
        }
        return dropped;
    }

    public Optional<CommittedOffset> committed(String group, TopicPartition tp) {
        Map<TopicPartition, Slot> offsets = groups.get(group);
        Slot slot = offsets == null ? null : offsets.get(tp);
        return slot == null ? Optional.empty() : Optional.ofNullable(slot.committed());
    }

    /** Every committed offset of the group, sorted by topic and partition. */
    public Map<TopicPartition, CommittedOffset> committed(String group) {
        Map<TopicPartition, CommittedOffset> result = new TreeMap<>(ORDER);
        Map<TopicPartition, Slot> offsets = groups.get(group);
        if (offsets != null) {
            offsets.forEach((tp, slot) -> {
                if (slot.committed() != null) {
                    result.put(tp, slot.committed());
                }
            });
        }
        return result;
    }

    /** Groups with at least one live committed offset, sorted. */
    public List<String> groups() {
        List<String> names = new ArrayList<>();
        groups.forEach((group, offsets) -> {
            if (offsets.values().stream().anyMatch(slot -> slot.committed() != null)) {
                names.add(group);
            }
        });
        names.sort(Comparator.naturalOrder());
        return names;
    }

    /** The highest generation any live commit of the group was made in, or 0. */
    public int maxGeneration(String group) {
        return committed(group).values().stream().mapToInt(CommittedOffset::generation).max().orElse(0);
    }
}
