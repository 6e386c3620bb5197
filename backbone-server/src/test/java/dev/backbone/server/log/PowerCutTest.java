package dev.backbone.server.log;

import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.server.log.io.SimulatedDisk;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine on a {@link SimulatedDisk} through hundreds of power cuts: a cut lands at a random file operation
 * (inside an append, a roll, an fsync, a checkpoint, a clean close or a recovery), the disk keeps what was synced
 * and a random torn prefix of the rest, and the engine starts again on what is left.
 *
 * <p>After every cut, each batch acknowledged in {@code sync} mode must be in the log byte for byte at its offset
 * (found through the index), the offsets from the log start to the end must be contiguous, and the next appends
 * must go on from the end. The same run with flush {@code none} must lose acknowledged batches, which shows that
 * the test can tell an fsync that is made from one that is not.
 *
 * <p>Seeded: {@code -Dbackbone.powerCut.seed=...} repeats a run, {@code -Dbackbone.powerCut.cuts=...} sets the
 * number of cuts (200 by default; more for a long run).
 */
class PowerCutTest {

    private static final Path DATA = Path.of("/simulated/power-cut");
    private static final int CUTS = Integer.getInteger("backbone.powerCut.cuts", 200);
    private static final List<TopicPartition> PARTITIONS = List.of(new TopicPartition("orders", 0),
            new TopicPartition("orders", 1), new TopicPartition("payments", 0));

    /** What a run found: batches acknowledged, and those missing or different after a cut. */
    private record Outcome(long acknowledged, long lost, List<String> problems) {
    }

    @Test
    void everyBatchAcknowledgedInSyncModeSurvivesEveryPowerCut() throws IOException {
        long seed = Long.getLong("backbone.powerCut.seed", System.nanoTime());
        System.out.println("PowerCutTest sync: seed " + seed + ", " + CUTS + " cuts");
        Outcome outcome = run(seed, FlushMode.SYNC, CUTS);
        assertThat(outcome.problems()).as("seed %d", seed).isEmpty();
        assertThat(outcome.acknowledged()).isGreaterThan(CUTS);
    }

    @Test
    void flushNoneLosesAcknowledgedBatchesUnderTheSameTest() throws IOException {
        long seed = Long.getLong("backbone.powerCut.seed", System.nanoTime());
        System.out.println("PowerCutTest none: seed " + seed + ", 40 cuts");
        Outcome outcome = run(seed, FlushMode.NONE, 40);
        assertThat(outcome.lost()).as("seed %d: flush none should lose acknowledged batches", seed).isPositive();
    }

    private Outcome run(long seed, FlushMode flush, int cuts) throws IOException {
        SimulatedDisk disk = new SimulatedDisk(DATA, new Random(seed));
        Random random = new Random(~seed);
        LogConfig config = LogConfig.DEFAULT.withSegmentBytes(4096).withIndexIntervalBytes(256).withFlushMode(flush);
        Map<TopicPartition, TreeMap<Long, byte[]>> acknowledged = new HashMap<>();
        PARTITIONS.forEach(tp -> acknowledged.put(tp, new TreeMap<>()));
        List<String> problems = new ArrayList<>();
        long acknowledgedCount = 0;
        long lost = 0;
        for (int cut = 0; cut < cuts; cut++) {
            if (random.nextInt(4) == 0) {
                disk.cutAfterOperations(random.nextInt(40));
            }
            int cutsBefore = disk.cuts();
            LogManager manager = start(disk, config);
            if (manager == null) {
                continue;
            }
            try {
                for (TopicPartition tp : PARTITIONS) {
                    lost += check(manager.partition(tp).orElseThrow(), acknowledged.get(tp), problems, cut);
                }
            } catch (IOException e) {
                if (disk.cuts() == cutsBefore) {
                    throw e;
                }
            }
            if (disk.cuts() != cutsBefore) {
                // A background fsync (the open-file sweep) took the cut after recovery: the next round checks.
                abandon(manager);
                continue;
            }
            disk.cutAfterOperations(random.nextInt(300));
            try {
                acknowledgedCount += work(manager, flush, random, acknowledged);
            } catch (IOException | RuntimeException expected) {
                // the power went in the middle of it
            }
            if (disk.cuts() == cutsBefore) {
                disk.powerCut();
            }
            abandon(manager);
        }
        return new Outcome(acknowledgedCount, lost, problems);
    }

    /** Starts the engine after a cut; null when the power went again during recovery (then the next round). */
    private static LogManager start(SimulatedDisk disk, LogConfig config) throws IOException {
        LogManagerOptions options = LogManagerOptions.DEFAULT.withFiles(disk.files()).withMaxOpenSegmentFiles(2)
                .withRetentionCheckInterval(Duration.ofHours(1)).withFileDeleteDelay(Duration.ZERO);
        int cutsBefore = disk.cuts();
        LogManager manager = null;
        try {
            manager = new LogManager(DATA, options);
            for (TopicPartition tp : PARTITIONS) {
                manager.openOrCreate(tp, config);
            }
            return manager;
        } catch (IOException e) {
            if (disk.cuts() == cutsBefore) {
                throw e;
            }
            if (manager != null) {
                abandon(manager);
            }
            return null;
        }
    }

    /** Appends and checkpoints until the power goes; returns the number of batches acknowledged. */
    private static long work(LogManager manager, FlushMode flush, Random random,
                             Map<TopicPartition, TreeMap<Long, byte[]>> acknowledged) throws IOException {
        long count = 0;
        for (int step = 0; step < 200; step++) {
            int action = random.nextInt(20);
            if (action == 0) {
                manager.checkpoint();
            } else if (action == 1 && random.nextInt(5) == 0) {
                manager.close();
                return count;
            } else {
                TopicPartition tp = PARTITIONS.get(random.nextInt(PARTITIONS.size()));
                ByteBuffer batch = batch(random);
                AppendResult result = manager.partition(tp).orElseThrow().append(batch, flush);
                byte[] stored = new byte[batch.remaining()];
                batch.duplicate().get(stored);
                acknowledged.get(tp).put(result.firstOffset(), stored);
                count++;
            }
        }
        return count;
    }

    private static ByteBuffer batch(Random random) {
        RecordBatchBuilder builder = new RecordBatchBuilder();
        int records = 1 + random.nextInt(4);
        for (int i = 0; i < records; i++) {
            byte[] value = new byte[1 + random.nextInt(300)];
            random.nextBytes(value);
            builder.add(1_700_000_000_000L + random.nextInt(1000), null, value, List.of());
        }
        return builder.build();
    }

    /**
     * Compares the recovered log with what was acknowledged; returns the number of acknowledged batches missing
     * (forgotten from the model, since later appends may reuse their offsets) and records each as a problem.
     */
    private static long check(PartitionLog log, TreeMap<Long, byte[]> acknowledged, List<String> problems, int cut)
            throws IOException {
        long lost = 0;
        for (Map.Entry<Long, byte[]> batch : new ArrayList<>(acknowledged.entrySet())) {
            long offset = batch.getKey();
            byte[] expected = batch.getValue();
            byte[] found = null;
            if (offset < log.logEndOffset()) {
                LogSlice slice = log.read(offset, expected.length);
                ByteBuffer bytes = TestBatches.bytes(slice);
                found = new byte[Math.min(bytes.remaining(), expected.length)];
                bytes.get(found);
            }
            if (!Arrays.equals(found, expected)) {
                problems.add("after cut " + cut + ": " + log.topicPartition() + " lost the acknowledged batch at "
                        + offset + " (end offset " + log.logEndOffset() + ")");
                acknowledged.tailMap(offset, true).clear();
                lost++;
                break;
            }
        }
        long expectedOffset = log.logStartOffset();
        for (Record record : TestBatches.readAll(log, log.logStartOffset(), 1 << 16)) {
            if (record.offset() != expectedOffset) {
                problems.add("after cut " + cut + ": " + log.topicPartition() + " has offset " + record.offset()
                        + " where " + expectedOffset + " was due");
                break;
            }
            expectedOffset++;
        }
        if (expectedOffset != log.logEndOffset()) {
            problems.add("after cut " + cut + ": " + log.topicPartition() + " reads up to " + expectedOffset
                    + " but ends at " + log.logEndOffset());
        }
        return lost;
    }

    private static void abandon(LogManager manager) {
        try {
            manager.close();
        } catch (IOException | RuntimeException dead) {
            // its disk is gone: closing only stops its threads
        }
    }
}
