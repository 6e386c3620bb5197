package dev.backbone.server.group;

import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.client.batch.RecordBatchDecoder;
import dev.backbone.server.log.AppendObserver;
import dev.backbone.server.log.LogRecords;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * Committed offsets, stored in the internal offsets topic ({@link OffsetRecords#TOPIC}): the log is the database.
 *
 * <p>A commit is one record batch (so all offsets of one request are stored or none are), appended to the
 * offsets partition of its group ({@code floorMod(group.hashCode(), partitions)}, so a group's records are in
 * one partition, in order). The generation and ownership check runs as the append's precondition, under that
 * partition's append lock, so no rebalance can slip between the check and the write.
 *
 * <p>The in-memory view ({@link CommittedOffsets}) is fed only from the log: at start by reading every offsets
 * partition from its start, afterwards by an {@link AppendObserver} that decodes each stored batch. A commit is
 * visible in the view once its bytes are written, a moment before its append is acknowledged; the latest record
 * of a key wins.
 *
 * <p>The offsets topic may have retention: {@link #refresh} rewrites the offsets of live groups before they age out,
 * and the view forgets entries whose records retention deleted (see {@code docs/GROUPS.md}).
 *
 * <p>Open the store before anything else appends to the offsets topic (the broker does it at start-up): an append
 * whose write began before the observer was registered but became visible after the rebuild read would be
 * missed.
 *
 * <p>Thread safety: thread-safe. Commits to one offsets partition are serialized by its append lock; commits of
 * groups in different partitions proceed in parallel.
 */
public final class OffsetStore implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OffsetStore.class.getName());

    private final List<PartitionLog> partitions;
    private final GroupCoordinator coordinator;
    private final Clock clock;
    private final CoordinatorLeadership leadership;
    private final OffsetAppender appender;
    private final CommittedOffsets offsets = new CommittedOffsets();
    private final List<Observer> observers;

    private OffsetStore(List<PartitionLog> partitions, GroupCoordinator coordinator, Clock clock,
                        CoordinatorLeadership leadership, OffsetAppender appender) {
        if (partitions.isEmpty()) {
            throw new IllegalArgumentException("the offsets topic needs at least one partition");
        }
        this.partitions = List.copyOf(partitions);
        this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.leadership = Objects.requireNonNull(leadership, "leadership");
        this.appender = Objects.requireNonNull(appender, "appender");
        List<Observer> list = new ArrayList<>();
        for (int i = 0; i < this.partitions.size(); i++) {
            list.add(new Observer(i));
        }
        this.observers = List.copyOf(list);
    }

    /**
     * Rebuilds the committed offsets from the offsets topic's partitions (in partition order), follows later
     * appends, and raises each group's generation above the highest one found so generation numbers are not
     * reused after a restart.
     */
    public static OffsetStore open(List<PartitionLog> partitions, GroupCoordinator coordinator, Clock clock)
            throws IOException {
        return open(partitions, coordinator, clock, CoordinatorLeadership.SINGLE_BROKER, OffsetAppender.LOCAL);
    }

    /**
     * Opens the store of a cluster's broker, where the offsets partitions are replicated: the view follows what
     * this broker's replicas apply, and commits go through {@code appender} in the coordinator's term.
     */
    public static OffsetStore open(List<PartitionLog> partitions, GroupCoordinator coordinator, Clock clock,
                                   CoordinatorLeadership leadership, OffsetAppender appender) throws IOException {
        OffsetStore store = new OffsetStore(partitions, coordinator, clock, leadership, appender);
        store.start();
        return store;
    }

    private void start() throws IOException {
        int records = 0;
        for (int i = 0; i < partitions.size(); i++) {
            PartitionLog log = partitions.get(i);
            log.addAppendObserver(observers.get(i));
            int[] count = {0};
            LogRecords.forEach(log, record -> {
                apply(log.topicPartition(), record);
                count[0]++;
            });
            records += count[0];
        }
        for (String group : offsets.groups()) {
            coordinator.raiseGeneration(group, offsets.maxGeneration(group));
        }
        LOG.log(Level.INFO, "rebuilt committed offsets of {0} group(s) from {1} record(s) of {2}",
                offsets.groups().size(), records, OffsetRecords.TOPIC);
    }

    /** The committed offsets, as of the last append. */
    public CommittedOffsets offsets() {
        return offsets;
    }

    public Optional<CommittedOffset> committed(String group, TopicPartition tp) {
        return offsets.committed(group, tp);
    }

    /** The offsets partition that holds {@code group}'s records. */
    public PartitionLog partitionFor(String group) {
        return partitions.get(partitionIndex(group));
    }

    /** The index of the offsets partition that holds {@code group}'s records (and decides its coordinator). */
    public int partitionIndex(String group) {
        return Math.floorMod(group.hashCode(), partitions.size());
    }

    /** The term in which this broker coordinates {@code group}; empty when it does not. */
    public OptionalLong coordinatorTerm(String group) {
        return leadership.term(partitionIndex(group));
    }

    /**
     * Stores the commit atomically if the member is live, the generation current and every partition the
     * member's; blocks until the append is acknowledged (the offsets topic's flush mode decides when).
     *
     * @throws UnknownMemberException     when the member is not in the group
     * @throws GenerationFencedException  when the generation is not the current one
     * @throws PartitionNotOwnedException when a partition is not the member's
     * @throws IOException                when the offsets log refuses the write; nothing is committed
     */
    public void commit(OffsetCommit commit) throws IOException {
        commit(commit, 0);
    }

    /**
     * Stores the commit as {@link #commit(OffsetCommit)} does, valid only while this broker coordinates the group in
     * {@code coordinatorTerm}: in a cluster, a commit checked against the membership of a deposed coordinator is
     * refused when it is applied.
     */
    public void commit(OffsetCommit commit, long coordinatorTerm) throws IOException {
        if (commit.offsets().isEmpty()) {
            coordinator.checkCommit(commit.group(), commit.memberId(), commit.generation(), List.of());
            return;
        }
        long now = clock.millis();
        RecordBatchBuilder builder = new RecordBatchBuilder();
        for (OffsetCommit.PartitionOffset entry : commit.offsets()) {
            CommittedOffset committed = new CommittedOffset(entry.offset(), entry.metadata(), now,
                    commit.generation(), commit.memberId(), -1);
            builder.add(now, OffsetRecords.key(commit.group(), entry.topicPartition()),
                    OffsetRecords.value(committed), List.of());
        }
        PartitionLog log = partitionFor(commit.group());
        List<TopicPartition> owned = commit.partitions();
        appender.append(log, builder.build(),
                nextOffset -> coordinator.checkCommit(commit.group(), commit.memberId(), commit.generation(), owned),
                coordinatorTerm);
    }

    private void apply(TopicPartition offsetsPartition, Record record) {
        Optional<OffsetRecords.Entry> entry = OffsetRecords.decode(record.key(), record.value(), record.offset());
        if (entry.isEmpty()) {
            LOG.log(Level.WARNING, "skipping a record of {0} at offset {1} that is not a committed offset",
                    offsetsPartition, record.offset());
            return;
        }
        offsets.apply(entry.get(), record.offset(), record.timestamp());
    }

    /** Stops following appends. The logs themselves belong to the topic registry. */
    @Override
    public void close() {
        for (int i = 0; i < partitions.size(); i++) {
            partitions.get(i).removeAppendObserver(observers.get(i));
        }
    }

    /**
     * Rewrites, unchanged, the commits of groups that {@code keep} accepts (and this broker coordinates) whose
     * record was written before {@code writtenBeforeMs}, so that retention of the offsets topic never deletes the
     * only record of an offset still in use. Offsets of other groups are left to expire with their segments, as
     * Kafka expires the offsets of groups that stayed empty longer than its offsets retention.
     *
     * <p>Each group's rewrite is one batch, appended only if none of its keys got a newer record meanwhile (checked
     * under the append lock); a group that committed concurrently is simply skipped, its new commit being fresher.
     * Blocks on the append.
     *
     * @return the number of offsets rewritten
     */
    public int refresh(long writtenBeforeMs, Predicate<String> keep) throws IOException {
        int rewritten = 0;
        for (String group : offsets.groups()) {
            OptionalLong term = coordinatorTerm(group);
            if (!keep.test(group) || term.isEmpty()) {
                continue;
            }
            List<CommittedOffsets.Stale> stale = offsets.writtenBefore(group, writtenBeforeMs);
            if (stale.isEmpty()) {
                continue;
            }
            long now = clock.millis();
            RecordBatchBuilder builder = new RecordBatchBuilder();
            for (CommittedOffsets.Stale entry : stale) {
                builder.add(now, OffsetRecords.key(group, entry.topicPartition()),
                        OffsetRecords.value(entry.committed()), List.of());
            }
            PartitionLog log = partitionFor(group);
            try {
                appender.append(log, builder.build(), nextOffset -> {
                    for (CommittedOffsets.Stale entry : stale) {
                        if (!offsets.isLatest(group, entry.topicPartition(), entry.logOffset())) {
                            throw new SupersededException();
                        }
                    }
                }, term.getAsLong());
                rewritten += stale.size();
            } catch (SupersededException e) {
                // A commit landed between the scan and the append: it is the fresher record.
            }
        }
        return rewritten;
    }

    /** A refresh found a newer record of one of its keys; nothing was written. */
    private static final class SupersededException extends RuntimeException {
        SupersededException() {
            super(null, null, false, false);
        }
    }

    /** Feeds every stored batch of one offsets partition into the view, and forgets what retention deletes. */
    private final class Observer implements AppendObserver {

        private final int index;

        Observer(int index) {
            this.index = index;
        }

        @Override
        public void onSegmentsDeleted(long newLogStartOffset) {
            int dropped = offsets.dropBelow(group -> partitionIndex(group) == index, newLogStartOffset);
            if (dropped > 0) {
                LOG.log(Level.INFO, "retention of {0} removed {1} committed offset(s) no longer refreshed",
                        partitions.get(index).topicPartition(), dropped);
            }
        }

        @Override
        public void onAppend(TopicPartition topicPartition, long segmentBaseOffset, long filePosition,
                             ByteBuffer storedBatches) {
            for (Record record : RecordBatchDecoder.decodeAll(storedBatches.duplicate())) {
                apply(topicPartition, record);
            }
        }
    }
}
