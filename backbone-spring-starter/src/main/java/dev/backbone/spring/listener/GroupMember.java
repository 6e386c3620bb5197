package dev.backbone.spring.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import dev.backbone.client.http.AssignedPartition;
import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.BackboneClientException;
import dev.backbone.client.http.ConsumedRecord;
import dev.backbone.client.http.FetchOptions;
import dev.backbone.client.http.FetchPosition;
import dev.backbone.client.http.GenerationFencedException;
import dev.backbone.client.http.GroupFetchResult;
import dev.backbone.client.http.GroupMembership;
import dev.backbone.client.http.OffsetCommit;
import dev.backbone.client.http.OffsetOutOfRangeException;
import dev.backbone.client.http.PartitionNotOwnedException;
import dev.backbone.client.http.PartitionRecords;
import dev.backbone.client.http.UnknownMemberException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One member of a consumer group: its own thread joins, long-polls its partitions, hands records to the
 * {@link RecordProcessor} and commits what was handled; {@link #heartbeat()}, called on another thread on its own
 * schedule, renews the lease and learns of rebalances, so a slow handler or a long backoff never costs the member
 * its partitions.
 *
 * <p>Rebalances: a revoked partition leaves {@code owned} the moment the member hears of it (from a heartbeat or a
 * fetch), and the processing thread checks ownership before each record and during every backoff, so it stops
 * after the record in hand. A newly gained partition is held for one heartbeat interval while another live member
 * may still be finishing its record of it (the previous owner hears of the rebalance within its own heartbeat
 * interval). Commits only carry offsets above the last commit, so committed offsets only move forward.
 *
 * <p>Thread-safety: {@code owned} and the membership fields are shared between the processing thread and the
 * heartbeat thread; membership changes happen under {@code assignmentLock}.
 */
final class GroupMember implements Runnable {

    private static final Log log = LogFactory.getLog(GroupMember.class);

    private static final long HEARTBEAT_ROUND_TRIP_ALLOWANCE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private record TopicPartition(String topic, int partition) {
    }

    /** A partition this member owns: when it may be processed, and its handled and committed positions. */
    private static final class Owned {

        final long processableAtNanos;

        volatile long position;

        volatile long committed;

        Owned(long processableAtNanos, long committed) {
            this.processableAtNanos = processableAtNanos;
            this.committed = committed;
            this.position = committed;
        }
    }

    private final String listenerId;

    private final String group;

    private final List<String> topics;

    private final BackboneClient client;

    private final RecordProcessor processor;

    private final ListenerSettings settings;

    private final ListenerMetrics metrics;

    private final ProcessedOffsets processed;

    private final Map<TopicPartition, Owned> owned = new ConcurrentHashMap<>();

    private final Object assignmentLock = new Object();

    private volatile String memberId;

    private volatile int generation = -1;

    private volatile boolean running = true;

    private volatile boolean paused;

    private volatile CompletableFuture<GroupFetchResult> fetchInFlight;

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
    }

    @Override
    public void run() {
        try {
            while (running) {
                step();
            }
        } finally {
            commitQuietly();
            leave();
        }
    }

    private void step() {
        try {
            if (memberId == null) {
                join();
            } else if (paused) {
                sleepMillis(50);
            } else {
                GroupFetchResult result = fetch();
                if (result == null) {
                    return;
                }
                if (result.generation() != generation) {
                    refresh();
                }
                long holdNanos = handle(result);
                commit();
                if (holdNanos > 0) {
                    sleepMillis(TimeUnit.NANOSECONDS.toMillis(holdNanos) + 1);
                }
            }
        } catch (UnknownMemberException e) {
            log.info("Listener " + listenerId + " is no longer a member of group " + group + "; joining again");
            lost(memberId);
        } catch (OffsetOutOfRangeException e) {
            log.warn("Listener " + listenerId + ": position out of range, continuing from the group's offsets: "
                    + e.getMessage());
            owned.values().forEach(o -> o.position = o.committed);
        } catch (BackboneClientException e) {
            log.warn("Listener " + listenerId + " of group " + group + ": " + e.getMessage() + "; retrying");
            sleepMillis(settings.heartbeatInterval().toMillis());
        }
    }

    private void join() {
        GroupMembership membership = client.joinGroup(group, topics, settings.sessionTimeout())
                .block(settings.responseTimeout());
        synchronized (assignmentLock) {
            memberId = membership.memberId();
            generation = -1;
            owned.clear();
        }
        apply(membership);
        log.info("Listener " + listenerId + " joined group " + group + " as " + membership.memberId()
                + ", generation " + membership.generation() + ", partitions " + owned.keySet());
    }

    private GroupFetchResult fetch() {
        List<FetchPosition> from = new ArrayList<>();
        owned.forEach((tp, o) -> {
            if (o.position > o.committed) {
                from.add(new FetchPosition(tp.topic(), tp.partition(), o.position));
            }
        });
        CompletableFuture<GroupFetchResult> future = client.groupFetch(group, memberId,
                new FetchOptions(settings.maxBytes(), settings.maxWait()), from).toFuture();
        fetchInFlight = future;
        if (!running) {
            future.cancel(true);
        }
        try {
            return future.get(settings.maxWait().plus(settings.responseTimeout()).toMillis(), TimeUnit.MILLISECONDS);
        } catch (CancellationException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
            return null;
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new BackboneClientException("group fetch got no answer in time", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new BackboneClientException("group fetch failed", e.getCause());
        } finally {
            fetchInFlight = null;
        }
    }

    /** Processes what this member still owns; returns how long the records of held partitions must wait. */
    private long handle(GroupFetchResult result) {
        long holdNanos = 0;
        for (PartitionRecords records : result.partitions()) {
            TopicPartition tp = new TopicPartition(records.topic(), records.partition());
            Owned partition = owned.get(tp);
            if (partition == null || !running || paused) {
                continue;
            }
            if (!records.records().isEmpty()) {
                long wait = partition.processableAtNanos - System.nanoTime();
                if (wait > 0) {
                    holdNanos = holdNanos == 0 ? wait : Math.min(holdNanos, wait);
                    continue;
                }
                handlePartition(tp, partition, records.records());
            }
            metrics.lag(listenerId, tp.topic(), tp.partition(), Math.max(0, records.endOffset() - partition.position));
        }
        return holdNanos;
    }

    private void handlePartition(TopicPartition tp, Owned partition, List<ConsumedRecord> records) {
        BooleanSupplier keepGoing = () -> running && owned.get(tp) == partition;
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

    private void handled(TopicPartition tp, Owned partition, long offset) {
        partition.position = offset + 1;
        processed.handled(tp.topic(), tp.partition(), offset);
    }

    private static RawRecord raw(TopicPartition tp, ConsumedRecord r) {
        return new RawRecord(tp.topic(), tp.partition(), r.offset(), r.timestamp(), r.key(), r.value(), r.headers());
    }

    private void commit() {
        String id = memberId;
        if (id == null) {
            return;
        }
        Map<TopicPartition, Long> positions = new java.util.HashMap<>();
        List<OffsetCommit> offsets = new ArrayList<>();
        owned.forEach((tp, o) -> {
            long position = o.position;
            if (position > o.committed) {
                positions.put(tp, position);
                offsets.add(new OffsetCommit(tp.topic(), tp.partition(), position));
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        try {
            client.commit(group, id, generation, offsets).block(settings.responseTimeout());
            positions.forEach((tp, position) -> {
                Owned o = owned.get(tp);
                if (o != null && position > o.committed) {
                    o.committed = position;
                }
            });
        } catch (GenerationFencedException | PartitionNotOwnedException e) {
            metrics.commitFailed(listenerId);
            log.warn("Listener " + listenerId + ": commit of " + offsets + " refused, the group rebalanced ("
                    + e.getMessage() + "); the records go to their new owner");
            refresh();
        } catch (UnknownMemberException e) {
            metrics.commitFailed(listenerId);
            log.warn("Listener " + listenerId + ": commit of " + offsets + " refused, membership expired");
            lost(id);
        } catch (RuntimeException e) {
            metrics.commitFailed(listenerId);
            log.warn("Listener " + listenerId + ": commit of " + offsets + " failed (" + e.getMessage()
                    + "); it is retried with the next commit");
        }
    }

    private void commitQuietly() {
        try {
            commit();
        } catch (RuntimeException e) {
            log.warn("Listener " + listenerId + ": final commit failed: " + e.getMessage());
        }
    }

    private void leave() {
        String id = memberId;
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
        String id = memberId;
        if (id == null) {
            return;
        }
        try {
            apply(client.heartbeat(group, id).block(settings.responseTimeout()));
        } catch (UnknownMemberException e) {
            log.info("Listener " + listenerId + ": membership " + id + " expired; joining again");
            lost(id);
            cancelFetch();
        } catch (RuntimeException e) {
            log.warn("Listener " + listenerId + ": heartbeat failed: " + e.getMessage());
        }
    }

    private void refresh() {
        String id = memberId;
        if (id != null) {
            apply(client.heartbeat(group, id).block(settings.responseTimeout()));
        }
    }

    private void apply(GroupMembership membership) {
        synchronized (assignmentLock) {
            if (!membership.memberId().equals(memberId) || membership.generation() == generation) {
                return;
            }
            Set<TopicPartition> assigned = new HashSet<>();
            for (AssignedPartition a : membership.assignments()) {
                assigned.add(new TopicPartition(a.topic(), a.partition()));
            }
            owned.keySet().removeIf(tp -> !assigned.contains(tp));
            long holdUntil = System.nanoTime() + settings.heartbeatInterval().toNanos()
                    + HEARTBEAT_ROUND_TRIP_ALLOWANCE_NANOS;
            boolean gains = membership.assignments().stream()
                    .anyMatch(a -> !owned.containsKey(new TopicPartition(a.topic(), a.partition())));
            boolean alone = gains && aloneInGroup(membership.memberId());
            for (AssignedPartition a : membership.assignments()) {
                owned.computeIfAbsent(new TopicPartition(a.topic(), a.partition()),
                        tp -> new Owned(alone ? 0 : holdUntil, Math.max(0, a.committedOffset())));
            }
            generation = membership.generation();
        }
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
        synchronized (assignmentLock) {
            if (id != null && id.equals(memberId)) {
                memberId = null;
                generation = -1;
                owned.clear();
            }
        }
    }

    /** Pauses or resumes fetching; the member keeps its partitions (heartbeats go on). */
    void paused(boolean paused) {
        this.paused = paused;
        if (paused) {
            cancelFetch();
        }
    }

    /** Asks the member to finish the record in hand, commit and leave. */
    void stop() {
        running = false;
        cancelFetch();
    }

    boolean isRunning() {
        return running;
    }

    private void cancelFetch() {
        CompletableFuture<GroupFetchResult> future = fetchInFlight;
        if (future != null) {
            future.cancel(true);
        }
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
