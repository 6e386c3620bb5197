package dev.backbone.replication.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Checks a {@link History} for the anomaly classes of Jepsen's Kafka workload (see {@link Anomaly.Kind}).
 *
 * <p>The model: every partition is a log in which each offset holds one value forever, offsets are contiguous (the
 * topics under test have no compaction and no transactions), and values are unique per logical write (a retry
 * reuses its value). The final read, taken after every fault has healed, is the log's content; every other
 * observation (acknowledged offsets, polls) must agree with it:
 * <ul>
 *   <li>acknowledged {@code (offset, value)}: the final read holds {@code value} at {@code offset} (else lost, or
 *   unreadable if the final read never got that far, or got there later than 30 s after healing);
 *   <li>polled {@code (offset, value)}: likewise, else the read was of a record that vanished;
 *   <li>every pair of observations of one offset agrees on its value;
 *   <li>a poll's records start at the asked-for offset and are contiguous, and its next offset follows its last
 *   record (or equals the asked-for offset when it returned none);
 *   <li>a value written under an idempotency key is at one offset only.
 * </ul>
 * Sends with an indeterminate outcome may or may not be in the log; definitely refused sends are not checked
 * further (the model allows neither more nor less of them than Jepsen's Kafka workload does).
 *
 * <p>Thread safety: stateless.
 */
public final class AnomalyChecker {

    /** How long after healing every acknowledged record must be readable. */
    public static final Duration READABLE_AFTER_HEAL = Duration.ofSeconds(30);

    private AnomalyChecker() {
    }

    public static CheckResult check(History history) {
        List<Send> sends = history.sends();
        List<Poll> polls = history.polls();
        List<Anomaly> anomalies = new ArrayList<>();
        Set<Integer> partitions = new TreeSet<>();
        sends.forEach(s -> partitions.add(s.partition()));
        polls.forEach(p -> partitions.add(p.partition()));
        long finalRecords = 0;
        for (int partition : partitions) {
            PartitionView view = new PartitionView(partition, sends, polls, history.healedNanos());
            finalRecords += view.finalLog.size();
            view.check(anomalies);
        }
        int ok = (int) sends.stream().filter(s -> s.outcome() == Outcome.OK).count();
        int failed = (int) sends.stream().filter(s -> s.outcome() == Outcome.FAIL).count();
        int unknown = (int) sends.stream().filter(s -> s.outcome() == Outcome.UNKNOWN).count();
        long reads = polls.stream().filter(p -> !p.finalRead()).mapToLong(p -> p.reads().size()).sum();
        return new CheckResult(anomalies, ok, failed, unknown, reads, finalRecords);
    }

    /** Everything observed of one partition. */
    private static final class PartitionView {

        private final int partition;
        private final List<Send> sends;
        private final List<Poll> polls;
        private final long readableBy;
        /** Offset to value, from every final-read poll. */
        private final TreeMap<Long, String> finalLog = new TreeMap<>();
        /** Offset to the completion time of the earliest final-read poll that returned it. */
        private final Map<Long, Long> finalSeenNanos = new HashMap<>();

        PartitionView(int partition, List<Send> allSends, List<Poll> allPolls, long healedNanos) {
            this.partition = partition;
            this.sends = allSends.stream().filter(s -> s.partition() == partition).toList();
            this.polls = allPolls.stream().filter(p -> p.partition() == partition && p.outcome() == Outcome.OK)
                    .toList();
            this.readableBy = healedNanos < 0 ? Long.MAX_VALUE : healedNanos + READABLE_AFTER_HEAL.toNanos();
            for (Poll poll : polls) {
                if (poll.finalRead()) {
                    for (Read read : poll.reads()) {
                        finalLog.putIfAbsent(read.offset(), read.value());
                        finalSeenNanos.merge(read.offset(), poll.completeNanos(), Math::min);
                    }
                }
            }
        }

        void check(List<Anomaly> anomalies) {
            checkOffsetsAgree(anomalies);
            polls.forEach(poll -> checkPollShape(poll, anomalies));
            checkAcknowledged(anomalies);
            checkReadsStay(anomalies);
            checkIdempotentWrites(anomalies);
        }

        private void checkOffsetsAgree(List<Anomaly> anomalies) {
            Map<Long, Map<String, String>> valuesAt = new TreeMap<>();
            for (Send send : sends) {
                if (send.acknowledged()) {
                    valuesAt.computeIfAbsent(send.offset(), o -> new LinkedHashMap<>())
                            .putIfAbsent(send.value(), "acknowledged to process " + send.process());
                }
            }
            for (Poll poll : polls) {
                for (Read read : poll.reads()) {
                    valuesAt.computeIfAbsent(read.offset(), o -> new LinkedHashMap<>()).putIfAbsent(read.value(),
                            (poll.finalRead() ? "final read" : "polled by process " + poll.process())
                                    + " from " + poll.node());
                }
            }
            valuesAt.forEach((offset, values) -> {
                if (values.size() > 1) {
                    anomalies.add(new Anomaly(Anomaly.Kind.INCONSISTENT_OFFSET, partition, offset,
                            values.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")")
                                    .collect(Collectors.joining(", "))));
                }
            });
        }

        private void checkPollShape(Poll poll, List<Anomaly> anomalies) {
            long expected = poll.fromOffset();
            for (Read read : poll.reads()) {
                if (read.offset() != expected) {
                    Anomaly.Kind kind = read.offset() < expected ? Anomaly.Kind.NONMONOTONIC_POLL
                            : Anomaly.Kind.SKIPPED_POLL;
                    anomalies.add(new Anomaly(kind, partition, read.offset(), "expected offset " + expected
                            + " next in a poll from " + poll.fromOffset() + " of " + poll.node() + " by process "
                            + poll.process()));
                }
                expected = read.offset() + 1;
            }
            if (poll.nextOffset() >= 0 && poll.nextOffset() != expected) {
                Anomaly.Kind kind = poll.nextOffset() < expected ? Anomaly.Kind.NONMONOTONIC_POLL
                        : Anomaly.Kind.SKIPPED_POLL;
                anomalies.add(new Anomaly(kind, partition, poll.nextOffset(), "next offset " + poll.nextOffset()
                        + " after a poll from " + poll.fromOffset() + " that ended before " + expected + " ("
                        + poll.node() + ", process " + poll.process() + ")"));
            }
        }

        private void checkAcknowledged(List<Anomaly> anomalies) {
            long finalEnd = finalLog.isEmpty() ? 0 : finalLog.lastKey() + 1;
            for (Send send : sends) {
                if (!send.acknowledged()) {
                    continue;
                }
                long offset = send.offset();
                String held = finalLog.get(offset);
                if (send.value().equals(held)) {
                    if (finalSeenNanos.get(offset) > readableBy) {
                        anomalies.add(new Anomaly(Anomaly.Kind.UNREADABLE_AFTER_HEAL, partition, offset,
                                send.value() + " first read " + seconds(finalSeenNanos.get(offset) - readableBy)
                                        + " s after the 30 s allowed"));
                    }
                } else if (offset >= finalEnd) {
                    anomalies.add(new Anomaly(Anomaly.Kind.UNREADABLE_AFTER_HEAL, partition, offset,
                            send.value() + " acknowledged by " + send.node() + ", but the final read ends before "
                                    + finalEnd));
                } else if (!finalLog.containsValue(send.value())) {
                    anomalies.add(new Anomaly(Anomaly.Kind.LOST_WRITE, partition, offset, send.value()
                            + " acknowledged by " + send.node() + " to process " + send.process()
                            + " is nowhere in the final read (which holds " + held + " there)"));
                }
            }
        }

        private void checkReadsStay(List<Anomaly> anomalies) {
            for (Poll poll : polls) {
                if (poll.finalRead()) {
                    continue;
                }
                for (Read read : poll.reads()) {
                    String held = finalLog.get(read.offset());
                    if (!read.value().equals(held)) {
                        anomalies.add(new Anomaly(Anomaly.Kind.VANISHED_READ, partition, read.offset(),
                                read.value() + " polled from " + poll.node() + " by process " + poll.process()
                                        + ", but the final read holds " + held + " there"));
                    }
                }
            }
        }

        private void checkIdempotentWrites(List<Anomaly> anomalies) {
            Map<String, Set<Long>> offsetsOfKeyedValue = new LinkedHashMap<>();
            Set<String> unkeyed = new TreeSet<>();
            for (Send send : sends) {
                if (send.idempotencyKey() == null) {
                    unkeyed.add(send.value());
                } else {
                    offsetsOfKeyedValue.computeIfAbsent(send.value(), v -> new TreeSet<>());
                    if (send.acknowledged()) {
                        offsetsOfKeyedValue.get(send.value()).add(send.offset());
                    }
                }
            }
            finalLog.forEach((offset, value) -> {
                Set<Long> offsets = offsetsOfKeyedValue.get(value);
                if (offsets != null) {
                    offsets.add(offset);
                }
            });
            offsetsOfKeyedValue.forEach((value, offsets) -> {
                // A retry without the key may legitimately append again; only all-keyed writes must be single.
                if (offsets.size() > 1 && !unkeyed.contains(value)) {
                    anomalies.add(new Anomaly(Anomaly.Kind.DUPLICATE, partition, offsets.iterator().next(),
                            value + " written under an idempotency key is at offsets " + offsets));
                }
            });
        }

        private static String seconds(long nanos) {
            return String.format("%.3f", nanos / 1e9);
        }
    }
}
