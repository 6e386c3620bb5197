package dev.backbone.replication.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.replication.history.Anomaly.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The checker against hand-made histories: a correct one passes, and each anomaly class, put into an otherwise
 * correct history, is caught as that class.
 */
class AnomalyCheckerTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aCorrectHistoryHasNoAnomalies() {
        History history = correctHistory();

        CheckResult result = AnomalyChecker.check(history);

        assertThat(result.anomalies()).isEmpty();
        assertThat(result.acknowledged()).isEqualTo(3);
        assertThat(result.finalRecords()).isEqualTo(4);
    }

    @Test
    void seededSimulationsOfACorrectLogHaveNoAnomalies() {
        long seed = System.nanoTime();
        System.out.println("AnomalyCheckerTest seed " + seed);
        Random random = new Random(seed);
        for (int run = 0; run < 50; run++) {
            History history = simulateCorrectLog(random);

            CheckResult result = AnomalyChecker.check(history);

            assertThat(result.anomalies()).as("seed %d, run %d", seed, run).isEmpty();
            assertThat(result.acknowledged()).as("seed %d", seed).isPositive();
        }
    }

    @Test
    void anAcknowledgedRecordMissingFromTheFinalReadIsALostWrite() {
        History history = new History();
        history.add(ack(0, "a", 0));
        history.add(ack(1, "b", 1));
        history.add(ack(2, "c", 2));
        history.markHealed(10 * SECOND);
        // The log went on past offset 1 with something else there, and "b" is nowhere.
        history.add(finalRead(11 * SECOND, 0, List.of(new Read(0, "a"), new Read(1, "x"), new Read(2, "c"))));

        CheckResult result = AnomalyChecker.check(history);

        assertThat(result.has(Kind.LOST_WRITE)).as(result.toString()).isTrue();
        assertThat(result.anomalies()).filteredOn(a -> a.kind() == Kind.LOST_WRITE)
                .singleElement().satisfies(a -> assertThat(a.offset()).isEqualTo(1));
    }

    @Test
    void twoValuesAtOneOffsetAreInconsistent() {
        History history = correctHistory();
        // Another client was told "z" went to offset 1, where the log holds "b".
        history.add(new Send(7, 0, "z", null, 1 * SECOND, 2 * SECOND, Outcome.OK, 1, "b2", null));

        CheckResult result = AnomalyChecker.check(history);

        assertThat(result.has(Kind.INCONSISTENT_OFFSET)).as(result.toString()).isTrue();
        assertThat(result.anomalies()).filteredOn(a -> a.kind() == Kind.INCONSISTENT_OFFSET)
                .singleElement().satisfies(a -> assertThat(a.detail()).contains("z", "b"));
    }

    @Test
    void aPollThatSkipsAnOffsetIsCaught() {
        History history = correctHistory();
        history.add(poll(3, 0, List.of(new Read(0, "a"), new Read(2, "c")), 3));

        CheckResult result = AnomalyChecker.check(history);

        assertThat(result.kinds()).containsExactly(Kind.SKIPPED_POLL);
    }

    @Test
    void aPollStartingAboveTheAskedOffsetIsASkip() {
        History history = correctHistory();
        history.add(poll(3, 1, List.of(new Read(2, "c")), 3));

        assertThat(AnomalyChecker.check(history).kinds()).containsExactly(Kind.SKIPPED_POLL);
    }

    @Test
    void aPollGoingBackwardsIsNonMonotonic() {
        History history = correctHistory();
        history.add(poll(3, 0, List.of(new Read(0, "a"), new Read(1, "b"), new Read(0, "a")), 1));

        assertThat(AnomalyChecker.check(history).kinds()).contains(Kind.NONMONOTONIC_POLL)
                .doesNotContain(Kind.LOST_WRITE, Kind.VANISHED_READ);
    }

    @Test
    void aNextOffsetBehindTheRecordsReturnedIsNonMonotonic() {
        History history = correctHistory();
        history.add(poll(3, 0, List.of(new Read(0, "a"), new Read(1, "b")), 1));

        assertThat(AnomalyChecker.check(history).kinds()).containsExactly(Kind.NONMONOTONIC_POLL);
    }

    @Test
    void aPolledRecordThatIsGoneFromTheFinalReadVanished() {
        History history = new History();
        history.add(ack(0, "a", 0));
        // An unacknowledged write was visible (a follower served it above the commit index), then truncated away.
        history.add(new Send(1, 0, "ghost", null, 1 * SECOND, 4 * SECOND, Outcome.UNKNOWN, -1, "b1", "timeout"));
        history.add(poll(2, 0, List.of(new Read(0, "a"), new Read(1, "ghost")), 2));
        history.markHealed(10 * SECOND);
        history.add(finalRead(11 * SECOND, 0, List.of(new Read(0, "a"))));

        CheckResult result = AnomalyChecker.check(history);

        assertThat(result.kinds()).containsExactly(Kind.VANISHED_READ);
        assertThat(result.anomalies().get(0).offset()).isEqualTo(1);
    }

    @Test
    void aPolledRecordReplacedByAnotherVanishedAndIsInconsistent() {
        History history = new History();
        history.add(ack(0, "a", 0));
        history.add(poll(2, 0, List.of(new Read(0, "a"), new Read(1, "ghost")), 2));
        history.add(ack(3, "b", 1));
        history.markHealed(10 * SECOND);
        history.add(finalRead(11 * SECOND, 0, List.of(new Read(0, "a"), new Read(1, "b"))));

        assertThat(AnomalyChecker.check(history).kinds())
                .containsExactlyInAnyOrder(Kind.VANISHED_READ, Kind.INCONSISTENT_OFFSET);
    }

    @Test
    void anAcknowledgedRecordBeyondTheFinalReadIsUnreadableAfterHealing() {
        History history = new History();
        history.add(ack(0, "a", 0));
        history.add(ack(1, "b", 1));
        history.markHealed(10 * SECOND);
        history.add(finalRead(11 * SECOND, 0, List.of(new Read(0, "a"))));

        CheckResult result = AnomalyChecker.check(history);

        assertThat(result.kinds()).containsExactly(Kind.UNREADABLE_AFTER_HEAL);
        assertThat(result.anomalies().get(0).offset()).isEqualTo(1);
    }

    @Test
    void anAcknowledgedRecordReadableOnlyAfterThirtySecondsIsUnreadableAfterHealing() {
        History history = new History();
        history.add(ack(0, "a", 0));
        history.markHealed(10 * SECOND);
        history.add(finalRead(41 * SECOND, 0, List.of(new Read(0, "a"))));

        assertThat(AnomalyChecker.check(history).kinds()).containsExactly(Kind.UNREADABLE_AFTER_HEAL);
    }

    @Test
    void anAcknowledgedRecordReadWithinThirtySecondsIsFine() {
        History history = new History();
        history.add(ack(0, "a", 0));
        history.markHealed(10 * SECOND);
        history.add(finalRead(39 * SECOND, 0, List.of(new Read(0, "a"))));

        assertThat(AnomalyChecker.check(history).anomalies()).isEmpty();
    }

    @Test
    void aRetriedIdempotentWriteAppendedTwiceIsADuplicate() {
        History history = new History();
        history.add(new Send(0, 0, "a", "key-a", 0, SECOND, Outcome.UNKNOWN, -1, "b0", "timeout"));
        history.add(new Send(0, 0, "a", "key-a", 2 * SECOND, 3 * SECOND, Outcome.OK, 1, "b1", null));
        history.markHealed(10 * SECOND);
        history.add(finalRead(11 * SECOND, 0, List.of(new Read(0, "a"), new Read(1, "a"))));

        CheckResult result = AnomalyChecker.check(history);

        assertThat(result.kinds()).containsExactly(Kind.DUPLICATE);
        assertThat(result.anomalies().get(0).detail()).contains("[0, 1]");
    }

    @Test
    void aRetriedWriteWithoutAKeyMayAppendTwice() {
        History history = new History();
        history.add(new Send(0, 0, "a", null, 0, SECOND, Outcome.UNKNOWN, -1, "b0", "timeout"));
        history.add(new Send(0, 0, "a", null, 2 * SECOND, 3 * SECOND, Outcome.OK, 1, "b1", null));
        history.markHealed(10 * SECOND);
        history.add(finalRead(11 * SECOND, 0, List.of(new Read(0, "a"), new Read(1, "a"))));

        assertThat(AnomalyChecker.check(history).anomalies()).isEmpty();
    }

    @Test
    void anIndeterminateWriteMayOrMayNotBeInTheLog() {
        History history = new History();
        history.add(ack(0, "a", 0));
        history.add(new Send(1, 0, "maybe", "k1", SECOND, 2 * SECOND, Outcome.UNKNOWN, -1, "b0", "timeout"));
        history.add(new Send(1, 0, "never", "k2", SECOND, 2 * SECOND, Outcome.UNKNOWN, -1, "b0", "timeout"));
        history.markHealed(10 * SECOND);
        history.add(finalRead(11 * SECOND, 0, List.of(new Read(0, "a"), new Read(1, "maybe"))));

        assertThat(AnomalyChecker.check(history).anomalies()).isEmpty();
    }

    /** Offsets 0..3 of partition 0 hold a, b, c, d; a..c acknowledged, d indeterminate; two polls; a final read. */
    private static History correctHistory() {
        History history = new History();
        history.add(ack(0, "a", 0));
        history.add(ack(1, "b", 1));
        history.add(ack(2, "c", 2));
        history.add(new Send(3, 0, "d", null, 3 * SECOND, 5 * SECOND, Outcome.UNKNOWN, -1, "b0", "timeout"));
        history.add(poll(4, 0, List.of(new Read(0, "a"), new Read(1, "b")), 2));
        history.add(poll(4, 2, List.of(new Read(2, "c"), new Read(3, "d")), 4));
        history.markHealed(10 * SECOND);
        history.add(finalRead(11 * SECOND, 0,
                List.of(new Read(0, "a"), new Read(1, "b"), new Read(2, "c"), new Read(3, "d"))));
        return history;
    }

    /** A correct log of 1..3 partitions: acknowledged, refused and indeterminate (half applied) writes, polls. */
    private static History simulateCorrectLog(Random random) {
        History history = new History();
        int partitions = 1 + random.nextInt(3);
        List<List<String>> logs = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            logs.add(new ArrayList<>());
        }
        long now = 0;
        for (int op = 0; op < 200; op++) {
            now += 1 + random.nextInt(1_000_000);
            int p = random.nextInt(partitions);
            List<String> log = logs.get(p);
            if (random.nextInt(3) > 0) {
                String value = "v" + op;
                String key = random.nextBoolean() ? "k" + op : null;
                Outcome outcome = Outcome.values()[random.nextInt(3)];
                boolean applied = outcome == Outcome.OK || outcome == Outcome.UNKNOWN && random.nextBoolean();
                long offset = log.size();
                if (applied) {
                    log.add(value);
                }
                history.add(new Send(op % 5, p, value, key, now, now + 10, outcome,
                        outcome == Outcome.OK ? offset : -1, "b" + random.nextInt(3), null));
            } else if (!log.isEmpty()) {
                int from = random.nextInt(log.size() + 1);
                int to = Math.min(log.size(), from + random.nextInt(5));
                history.add(new Poll(op % 5, p, from, now, now + 10, Outcome.OK, reads(log, from, to), to, false,
                        "b" + random.nextInt(3)));
            }
        }
        history.markHealed(now);
        for (int p = 0; p < partitions; p++) {
            List<String> log = logs.get(p);
            history.add(new Poll(99, p, 0, now + SECOND, now + 2 * SECOND, Outcome.OK, reads(log, 0, log.size()),
                    log.size(), true, "b0"));
        }
        return history;
    }

    private static List<Read> reads(List<String> log, int from, int to) {
        List<Read> reads = new ArrayList<>();
        for (int offset = from; offset < to; offset++) {
            reads.add(new Read(offset, log.get(offset)));
        }
        return reads;
    }

    private static Send ack(int process, String value, long offset) {
        long at = (offset + 1) * SECOND / 10;
        return new Send(process, 0, value, null, at, at + SECOND / 20, Outcome.OK, offset, "b0", null);
    }

    private static Poll poll(int process, long from, List<Read> reads, long next) {
        return new Poll(process, 0, from, 6 * SECOND, 7 * SECOND, Outcome.OK, reads, next, false, "b1");
    }

    private static Poll finalRead(long completeNanos, long from, List<Read> reads) {
        long next = reads.isEmpty() ? from : reads.get(reads.size() - 1).offset() + 1;
        return new Poll(100, 0, from, completeNanos - SECOND / 10, completeNanos, Outcome.OK, reads, next, true,
                "b0");
    }
}
