package dev.backbone.server.http.group;

import dev.backbone.client.batch.Record;
import dev.backbone.server.group.GroupService;
import dev.backbone.server.group.MemberAssignment;
import dev.backbone.server.group.PartitionNotOwnedException;
import dev.backbone.server.http.FetchService;
import dev.backbone.server.http.LongPollWaiters;
import dev.backbone.server.log.LogSlice;
import dev.backbone.server.log.OffsetOutOfRangeException;
import dev.backbone.server.metrics.BackboneMetrics;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import dev.backbone.server.topic.Topic;
import dev.backbone.server.topic.TopicRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A member's fetch over all its partitions in one request, stateless: each partition is read from the offset the
 * request names ({@code from}), else from the group's committed offset, else from the log start; nothing about
 * the read is remembered, so any broker replica could serve the next one.
 *
 * <p>When none of the partitions has data past its start, the fetch parks (no thread) on every partition's
 * long-poll waiter and on the group's rebalance waiter, whichever fires first, up to {@code maxWait}; it then
 * reads once more, with the assignment current at that moment.
 *
 * <p>{@code maxBytes} is shared evenly by the partitions that have data; each still returns at least one whole
 * batch, as a single-partition consume does, so an answer may pass {@code maxBytes} by up to one batch per
 * partition.
 *
 * <p>Thread safety: thread-safe.
 */
public final class GroupFetchService {

    private final GroupService groups;
    private final TopicRegistry registry;
    private final FetchService fetchService;
    private final LongPollWaiters waiters;
    private final GroupWaiters groupWaiters;
    private final BackboneMetrics metrics;

    public GroupFetchService(GroupService groups, TopicRegistry registry, FetchService fetchService,
                             LongPollWaiters waiters, GroupWaiters groupWaiters, BackboneMetrics metrics) {
        this.groups = groups;
        this.registry = registry;
        this.fetchService = fetchService;
        this.waiters = waiters;
        this.groupWaiters = groupWaiters;
        this.metrics = metrics;
    }

    /**
     * @param from explicit start offsets; each must be a partition the member owns
     * @throws dev.backbone.server.group.UnknownMemberException    (as the Mono's error) for an unknown member
     * @throws PartitionNotOwnedException when {@code from} names a partition the member does not own
     * @throws OffsetOutOfRangeException  when an offset of {@code from} lies outside its partition
     */
    public Mono<GroupFetch> fetch(String group, String memberId, Map<TopicPartition, Long> from, int maxBytes,
                                  Duration maxWait) {
        long started = System.nanoTime();
        return fetch(group, memberId, from, maxBytes, maxWait, started);
    }

    private Mono<GroupFetch> fetch(String group, String memberId, Map<TopicPartition, Long> from, int maxBytes,
                                   Duration maxWait, long started) {
        return Mono.defer(() -> {
            MemberAssignment assignment = groups.member(group, memberId);
            for (TopicPartition tp : from.keySet()) {
                if (!assignment.partitions().contains(tp)) {
                    throw new PartitionNotOwnedException(group, memberId, assignment.generation(), tp);
                }
            }
            Map<TopicPartition, Position> positions = positions(assignment, from);
            boolean ready = positions.values().stream().anyMatch(p -> p.log.logEndOffset() > p.start);
            if (ready || maxWait.isZero()) {
                return read(assignment, positions, maxBytes, started);
            }
            List<Mono<Boolean>> wakeUps = new ArrayList<>();
            positions.values().forEach(p -> wakeUps.add(waiters.await(p.log, p.start, maxWait)));
            wakeUps.add(groupWaiters.await(group, maxWait));
            return Flux.merge(wakeUps).filter(Boolean::booleanValue).next().defaultIfEmpty(false)
                    .flatMap(woken -> woken
                            ? fetchAgain(group, memberId, from, maxBytes, started)
                            : read(assignment, positions, maxBytes, started));
        });
    }

    /** After a wake-up: the assignment may have changed, so start over, keeping only offsets still owned. */
    private Mono<GroupFetch> fetchAgain(String group, String memberId, Map<TopicPartition, Long> from,
                                        int maxBytes, long started) {
        return Mono.defer(() -> {
            MemberAssignment assignment = groups.member(group, memberId);
            Map<TopicPartition, Long> stillOwned = new LinkedHashMap<>(from);
            stillOwned.keySet().retainAll(assignment.partitions());
            return fetch(group, memberId, stillOwned, maxBytes, Duration.ZERO, started);
        });
    }

    private Map<TopicPartition, Position> positions(MemberAssignment assignment, Map<TopicPartition, Long> from) {
        Map<TopicPartition, Position> positions = new LinkedHashMap<>();
        for (TopicPartition tp : assignment.partitions()) {
            Optional<Topic> topic = registry.find(tp.topic());
            if (topic.isEmpty() || tp.partition() >= topic.get().partitionCount()) {
                continue; // deleted since the assignment was made; the next generation drops it
            }
            PartitionLog log = topic.get().partition(tp.partition());
            Long explicit = from.get(tp);
            long start;
            if (explicit != null) {
                long logStart = log.logStartOffset();
                long end = log.logEndOffset();
                if (explicit < logStart || explicit > end) {
                    throw new OffsetOutOfRangeException(tp, explicit, logStart, end);
                }
                start = explicit;
            } else {
                start = groups.fetchStart(assignment.group(), log);
            }
            positions.put(tp, new Position(tp, log, start));
        }
        return positions;
    }

    private Mono<GroupFetch> read(MemberAssignment assignment, Map<TopicPartition, Position> positions,
                                  int maxBytes, long started) {
        List<Position> withData = positions.values().stream().filter(p -> p.log.logEndOffset() > p.start).toList();
        int share = Math.max(1, maxBytes / Math.max(1, withData.size()));
        return Flux.fromIterable(withData)
                .flatMapSequential(p -> readPartition(p, share))
                .collectList()
                .map(reads -> {
                    recordMetrics(reads, started);
                    Map<TopicPartition, Long> next = new LinkedHashMap<>();
                    List<GroupFetch.TaggedRecord> records = new ArrayList<>();
                    for (PartitionRead read : reads) {
                        next.put(read.tp, read.nextOffset);
                        for (Record record : read.records) {
                            records.add(new GroupFetch.TaggedRecord(read.tp.topic(), read.tp.partition(), record));
                        }
                    }
                    List<GroupFetch.NextOffset> nextOffsets = new ArrayList<>();
                    positions.values().forEach(p -> nextOffsets.add(new GroupFetch.NextOffset(p.tp.topic(),
                            p.tp.partition(), next.getOrDefault(p.tp, p.start), p.log.logEndOffset())));
                    return new GroupFetch(assignment.group(), assignment.memberId(), assignment.generation(),
                            records, nextOffsets);
                });
    }

    private Mono<PartitionRead> readPartition(Position p, int maxBytes) {
        return fetchService.fetchDecoded(p.tp.topic(), p.tp.partition(), p.start, maxBytes).map(decoded -> {
            LogSlice slice = decoded.slice();
            if (slice.isEmpty()) {
                return new PartitionRead(p.tp, List.of(), p.start, 0);
            }
            List<Record> records = decoded.records().stream().filter(r -> r.offset() >= p.start).toList();
            return new PartitionRead(p.tp, records, Math.max(p.start, slice.nextOffset()), slice.sizeBytes());
        });
    }

    /** Counts the answer in the per-topic fetch meters, as the plain consume endpoint does. */
    private void recordMetrics(List<PartitionRead> reads, long started) {
        Map<String, long[]> perTopic = new LinkedHashMap<>();
        for (PartitionRead read : reads) {
            long[] totals = perTopic.computeIfAbsent(read.tp.topic(), t -> new long[2]);
            totals[0] += read.records.size();
            totals[1] += read.bytes;
        }
        long nanos = System.nanoTime() - started;
        perTopic.forEach((topic, totals) -> metrics.recordFetch(topic, totals[0], totals[1], nanos));
    }

    private record Position(TopicPartition tp, PartitionLog log, long start) {
    }

    private record PartitionRead(TopicPartition tp, List<Record> records, long nextOffset, long bytes) {
    }
}
