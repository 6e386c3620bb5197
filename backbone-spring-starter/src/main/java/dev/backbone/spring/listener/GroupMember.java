package dev.backbone.spring.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.BackboneClientException;
import dev.backbone.client.http.ConsumedRecord;
import dev.backbone.client.http.FetchOptions;
import dev.backbone.client.http.FetchPosition;
import dev.backbone.client.http.FetchResult;
import dev.backbone.client.http.GroupFetchResult;
import dev.backbone.client.http.GroupMembership;
import dev.backbone.client.http.OffsetOutOfRangeException;
import dev.backbone.client.http.PartitionNotOwnedException;
import dev.backbone.client.http.PartitionRecords;
import dev.backbone.client.http.UnknownMemberException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One member of a consumer group: its own thread joins, reads its partitions, hands records to the
 * {@link RecordProcessor} and commits what was handled; {@link #heartbeat()}, called on another thread on its own
 * schedule, renews the lease and learns of rebalances, so a slow handler or a long backoff never costs the member
 * its partitions.
 *
 * <p>Rebalances: a revoked partition leaves {@code owned} the moment the member hears of it (from a heartbeat or a
 * fetch), and the processing thread checks ownership before each record and during every backoff, so it stops
 * after the record in hand. A newly gained partition is held for one heartbeat interval while another live member
 * may still be finishing its record of it (the previous owner hears of the rebalance within its own heartbeat
 * interval). Commits only carry offsets above the last commit, one at a time, so committed offsets only move
 * forward.
 *
 * <p>Reading: while it is behind, the member reads its partitions in the binary format ({@link PartitionFetches},
 * no waiting), and starts the next reads of partitions with more records before it handles the records in hand
 * ({@link ReadAhead}); once it has caught up it long-polls the group fetch, which the broker wakes on a record or a
 * rebalance, and which finds where a partition without a committed offset starts, and starts its next long poll
 * before it handles the records of an answer ({@link PollAhead}). Commits go out without holding up the next fetch
 * ({@link OffsetCommitter}).
 *
 * <p>Thread-safety: the {@link MemberPartitions} are shared between the processing thread and the heartbeat
 * thread.
 */
final class GroupMember implements Runnable {

    private static final Log log = LogFactory.getLog(GroupMember.class);

    private static final long HEARTBEAT_ROUND_TRIP_ALLOWANCE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final String listenerId;

    private final String group;

    private final List<String> topics;

    private final BackboneClient client;

    private final RecordProcessor processor;

    private final ListenerSettings settings;

    private final ListenerMetrics metrics;

    private final ProcessedOffsets processed;

    private final PartitionFetches partitionFetches;

    private final MemberPartitions membership;

    private final Map<TopicPartition, OwnedPartition> owned;

    private volatile boolean running = true;

    private volatile boolean paused;

    /**
     * Whether the last fetch left records behind in some partition. Only then does the member read binary without
     * waiting; a member that has caught up long-polls, so at a low rate it sends one fetch per wake-up rather than
     * a round of empty reads.
     */
    private boolean behind = true;

    private final InFlightFetch inFlight = new InFlightFetch();

    private final ReadAhead readAhead;

    private final PollAhead pollAhead = new PollAhead();

    /** Set when a fetch was refused for a partition revoked since: the next step asks for the assignment. */
    private boolean assignmentChanged;

    private final OffsetCommitter committer;

    GroupMember(String listenerId, String group, List<String> topics, BackboneClient client,
                RecordProcessor processor, ListenerSettings settings, ListenerMetrics metrics,
                ProcessedOffsets processed) {
        this.listenerId = listenerId;
        this.group = group;
        this.topics = List.copyOf(topics);
        this.client = client;
        this.processor = processor;
        this.settings = settings;
        this.metrics = metrics;
        this.processed = processed;
        this.partitionFetches = new PartitionFetches(client, settings.maxBytes());
        this.readAhead = new ReadAhead(partitionFetches);
        this.membership = new MemberPartitions(settings.heartbeatInterval().toNanos()
                + HEARTBEAT_ROUND_TRIP_ALLOWANCE_NANOS);
        this.owned = membership.owned();
        this.committer = new OffsetCommitter(listenerId, group, client, membership, metrics,
                settings.responseTimeout(), settings.commitInterval());
    }

    @Override
    public void run() {
        try {
            while (running) {
                step();
            }
        } finally {
            readAhead.drop();
            pollAhead.drop();
            commitQuietly();
            leave();
        }
    }

    private void step() {
        try {
            if (committer.takeRefreshWanted() | assignmentChanged) {
                assignmentChanged = false;
                refresh();
            }
            if (membership.memberId() == null) {
                join();
            } else if (paused) {
                pollAhead.drop();
                sleepMillis(50);
            } else if (!behind || !readPartitions()) {
                readAhead.drop();
                longPoll();
            }
        } catch (UnknownMemberException e) {
            log.info("Listener " + listenerId + " is no longer a member of group " + group + "; joining again");
            lost(membership.memberId());
        } catch (PartitionNotOwnedException e) {
            // A poll named a partition revoked since: the assignment is news, not a broker fault.
            pollAhead.drop();
            assignmentChanged = true;
        } catch (OffsetOutOfRangeException e) {
            log.warn("Listener " + listenerId + ": position out of range, continuing from the group's offsets: "
                    + e.getMessage());
            owned.values().forEach(o -> {
                o.position = o.committed;
                o.positionKnown = false;
            });
        } catch (BackboneClientException e) {
            log.warn("Listener " + listenerId + " of group " + group + ": " + e.getMessage() + "; retrying");
            sleepMillis(settings.heartbeatInterval().toMillis());
        }
    }

    private void join() {
        readAhead.drop();
        pollAhead.drop();
        GroupMembership joined = client.joinGroup(group, topics, settings.sessionTimeout())
                .block(settings.responseTimeout());
        membership.joined(joined.memberId());
        apply(joined);
        log.info("Listener " + listenerId + " joined group " + group + " as " + joined.memberId()
                + ", generation " + joined.generation() + ", partitions " + owned.keySet());
    }

    /**
     * The fast path: reads every processable partition whose position is known in the binary format, without
     * waiting, and handles what came back. Answers false when there was nothing to read, so that the member
     * long-polls through the group fetch instead.
     */
    private boolean readPartitions() {
        List<PartitionFetches.Start> starts = new ArrayList<>();
        long now = System.nanoTime();
        owned.forEach((tp, o) -> {
            if (o.positionKnown && o.processable(now)) {
                starts.add(new PartitionFetches.Start(tp, o.position));
            }
        });
        if (starts.isEmpty()) {
            return false;
        }
        pollAhead.drop();
        List<PartitionFetches.Answer> answers = inFlight.await(readAhead.readsFor(starts),
                settings.responseTimeout(), "binary fetch");
        stopIfInterrupted();
        answers = answers == null ? List.of() : answers;
        behind = false;
        List<PartitionFetches.Start> next = new ArrayList<>();
        for (PartitionFetches.Answer answer : answers) {
            FetchResult result = answer.result();
            if (result != null && result.endOffset() > result.nextOffset()) {
                behind = true;
                List<ConsumedRecord> records = result.records();
                if (!records.isEmpty() && running && !paused) {
                    next.add(new PartitionFetches.Start(answer.start().partition(),
                            records.get(records.size() - 1).offset() + 1));
                }
            }
        }
        readAhead.start(next);
        boolean handledAny = false;
        for (PartitionFetches.Answer answer : answers) {
            handledAny |= handle(answer);
        }
        if (handledAny) {
            commit();
        }
        return handledAny;
    }

    /** Handles one partition's binary answer; true when it had records for this member to handle. */
    private boolean handle(PartitionFetches.Answer answer) {
        TopicPartition tp = answer.start().partition();
        OwnedPartition partition = owned.get(tp);
        if (partition == null || !running || paused || partition.position != answer.start().offset()) {
            return false;
        }
        if (answer.outOfRange() != null) {
            log.warn("Listener " + listenerId + ": position out of range, continuing from the group's offsets: "
                    + answer.outOfRange().getMessage());
            partition.position = partition.committed;
            partition.positionKnown = false;
            return false;
        }
        FetchResult result = answer.result();
        if (result.endOffset() >= 0) {
            metrics.lag(listenerId, tp.topic(), tp.partition(), Math.max(0, result.endOffset() - result.nextOffset()));
        }
        if (result.records().isEmpty()) {
            return false;
        }
        handlePartition(tp, partition, result.records());
        return true;
    }

    /**
     * Long-polls the group fetch (or takes the poll started ahead), starts the next poll from where the records of
     * the answer end when the member is likely to need it, handles the answer and commits without waiting.
     */
    private void longPoll() {
        PollAhead.Poll poll = pollAhead.take();
        if (poll == null) {
            poll = startPoll(PollAhead.uncommittedPositions(owned));
        }
        GroupFetchResult result = inFlight.await(poll.answer(), settings.maxWait().plus(settings.responseTimeout()),
                "group fetch");
        stopIfInterrupted();
        if (result == null) {
            return;
        }
        if (result.generation() != membership.generation()) {
            refresh();
        } else {
            Map<TopicPartition, Long> next = running && !paused
                    ? PollAhead.positionsAfter(result, poll, owned, System.nanoTime()) : null;
            if (next != null) {
                pollAhead.start(startPoll(next));
            }
        }
        long holdNanos = handle(result, poll);
        if (pollAhead.isPending()) {
            // Records that reached a partition while this answer was built are left behind; the poll started ahead
            // reads from where this answer ends and so returns them at once. Reading them in binary instead would
            // cancel that poll, and with it its connection (about 30 a second at 1,000 events/s).
            behind = false;
        }
        commit();
        if (holdNanos > 0) {
            sleepMillis(TimeUnit.NANOSECONDS.toMillis(holdNanos) + 1);
        }
    }

    private PollAhead.Poll startPoll(Map<TopicPartition, Long> starts) {
        List<FetchPosition> from = new ArrayList<>(starts.size());
        starts.forEach((tp, offset) -> from.add(new FetchPosition(tp.topic(), tp.partition(), offset)));
        CompletableFuture<GroupFetchResult> answer = client.groupFetch(group, membership.memberId(),
                new FetchOptions(settings.maxBytes(), settings.maxWait()), from).toFuture();
        return new PollAhead.Poll(answer, starts);
    }

    private void stopIfInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            running = false;
        }
    }

    /** Processes what this member still owns; returns how long the records of held partitions must wait. */
    private long handle(GroupFetchResult result, PollAhead.Poll poll) {
        long holdNanos = 0;
        behind = false;
        for (PartitionRecords records : result.partitions()) {
            TopicPartition tp = new TopicPartition(records.topic(), records.partition());
            OwnedPartition partition = owned.get(tp);
            if (partition == null || !running || paused) {
                continue;
            }
            if (!records.records().isEmpty() && !poll.startsAt(tp, partition.position)) {
                behind = true;
                continue;
            }
            if (records.records().isEmpty() && !partition.positionKnown && partition.position == partition.committed) {
                // Nothing to read yet: the broker's start for this partition is where binary reads begin.
                partition.position = records.nextOffset();
                partition.positionKnown = true;
            } else if (!records.records().isEmpty()) {
                long wait = partition.processableAtNanos - System.nanoTime();
                if (wait > 0) {
                    holdNanos = holdNanos == 0 ? wait : Math.min(holdNanos, wait);
                    continue;
                }
                handlePartition(tp, partition, records.records());
            }
            long lag = Math.max(0, records.endOffset() - partition.position);
            behind |= lag > 0;
            metrics.lag(listenerId, tp.topic(), tp.partition(), lag);
        }
        return holdNanos;
    }

    private void handlePartition(TopicPartition tp, OwnedPartition partition, List<ConsumedRecord> records) {
        BooleanSupplier keepGoing = () -> running && !partition.revoked;
        if (processor.adapter().shape() == ListenerMethodAdapter.Shape.BATCH) {
            List<RawRecord> raws = new ArrayList<>(records.size());
            for (ConsumedRecord r : records) {
                raws.add(raw(tp, r));
            }
            if (processor.processBatch(raws, keepGoing) == RecordProcessor.Outcome.HANDLED) {
                handled(tp, partition, records.get(records.size() - 1).offset());
            }
            return;
        }
        for (ConsumedRecord r : records) {
            if (!keepGoing.getAsBoolean() || paused) {
                return;
            }
            if (processor.process(raw(tp, r), keepGoing) == RecordProcessor.Outcome.ABORTED) {
                return;
            }
            handled(tp, partition, r.offset());
        }
    }

    private void handled(TopicPartition tp, OwnedPartition partition, long offset) {
        partition.position = offset + 1;
        partition.positionKnown = true;
        processed.handled(tp, offset);
    }

    private static RawRecord raw(TopicPartition tp, ConsumedRecord r) {
        return new RawRecord(tp.topic(), tp.partition(), r.offset(), r.timestamp(), r.key(), r.value(), r.headers());
    }

    private void commit() {
        committer.commitSoon();
    }

    private void commitQuietly() {
        try {
            committer.commitNow();
        } catch (RuntimeException e) {
            log.warn("Listener " + listenerId + ": final commit failed: " + e.getMessage());
        }
    }

    private void leave() {
        String id = membership.memberId();
        if (id == null) {
            return;
        }
        lost(id);
        try {
            client.leaveGroup(group, id).block(settings.responseTimeout());
            log.info("Listener " + listenerId + " left group " + group);
        } catch (RuntimeException e) {
            log.warn("Listener " + listenerId + " could not leave group " + group + " (" + e.getMessage()
                    + "); its session expires by itself");
        }
    }

    /** Renews the lease and applies a new assignment; called by the container's heartbeat scheduler. */
    void heartbeat() {
        String id = membership.memberId();
        if (id == null) {
            return;
        }
        try {
            apply(client.heartbeat(group, id).block(settings.responseTimeout()));
        } catch (UnknownMemberException e) {
            log.info("Listener " + listenerId + ": membership " + id + " expired; joining again");
            lost(id);
            inFlight.cancel();
        } catch (RuntimeException e) {
            log.warn("Listener " + listenerId + ": heartbeat failed: " + e.getMessage());
        }
    }

    private void refresh() {
        String id = membership.memberId();
        if (id != null) {
            apply(client.heartbeat(group, id).block(settings.responseTimeout()));
        }
    }

    private void apply(GroupMembership assignment) {
        membership.apply(assignment, this::aloneInGroup);
    }

    private boolean aloneInGroup(String self) {
        try {
            return client.describeGroup(group).block(settings.responseTimeout()).members().stream()
                    .allMatch(m -> m.memberId().equals(self));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void lost(String id) {
        membership.lost(id);
    }

    /** Pauses or resumes fetching; the member keeps its partitions (heartbeats go on). */
    void paused(boolean paused) {
        this.paused = paused;
        if (paused) {
            inFlight.cancel();
        }
    }

    /** Asks the member to finish the record in hand, commit and leave. */
    void stop() {
        running = false;
        inFlight.cancelForGood();
    }

    boolean isRunning() {
        return running;
    }

    private void sleepMillis(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        try {
            while (running && System.nanoTime() < deadline) {
                Thread.sleep(Math.min(50, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    Duration heartbeatInterval() {
        return settings.heartbeatInterval();
    }
}
