package dev.backbone.server.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogConfig;
import dev.backbone.server.log.LogManager;
import dev.backbone.server.log.LogManagerOptions;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import dev.backbone.server.log.io.SimulatedDisk;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Committed group offsets through power cuts on a {@link SimulatedDisk}: every commit that was acknowledged (the
 * offsets topic is flush {@code sync}, as the broker configures it) is the group's committed offset after the cut
 * and restart, unless a later commit replaced it: a later acknowledged one, or the one the cut interrupted, which
 * may or may not have made it. Seeded ({@code -Dbackbone.powerCut.seed}), 60 cuts.
 */
class OffsetsPowerCutTest {

    private static final Path DATA = Path.of("/simulated/offsets");
    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
    private static final LogConfig OFFSETS_CONFIG = LogConfig.DEFAULT.withFlushMode(FlushMode.SYNC)
            .withSegmentBytes(4096);
    private static final int GROUPS = 4;
    private static final int CUTS = 60;

    private final MutableClock clock = new MutableClock(1_764_570_000_000L);

    @Test
    void everyAcknowledgedCommitIsCommittedAfterEveryCut() throws IOException {
        long seed = Long.getLong("backbone.powerCut.seed", System.nanoTime());
        System.out.println("OffsetsPowerCutTest seed " + seed + ", " + CUTS + " cuts");
        SimulatedDisk disk = new SimulatedDisk(DATA, new Random(seed));
        Random random = new Random(~seed);
        Map<String, Long> acknowledged = new HashMap<>();
        String interruptedGroup = null;
        long interruptedOffset = -1;
        long commits = 0;
        for (int cut = 0; cut < CUTS; cut++) {
            int cutsBefore = disk.cuts();
            LogManager manager = null;
            try {
                manager = new LogManager(DATA, LogManagerOptions.DEFAULT.withFiles(disk.files())
                        .withRetentionCheckInterval(Duration.ofHours(1)));
                PartitionLog offsets = manager.openOrCreate(new TopicPartition(OffsetRecords.TOPIC, 0),
                        OFFSETS_CONFIG);
                GroupCoordinator coordinator = new GroupCoordinator(clock,
                        topic -> topic.equals("orders") ? 1 : 0, GroupSettings.DEFAULT);
                OffsetStore store = OffsetStore.open(List.of(offsets), coordinator, clock);
                if (interruptedGroup != null && store.committed(interruptedGroup, ORDERS_0)
                        .map(CommittedOffset::offset).orElse(-1L) == interruptedOffset) {
                    acknowledged.put(interruptedGroup, interruptedOffset);
                }
                interruptedGroup = null;
                for (Map.Entry<String, Long> entry : acknowledged.entrySet()) {
                    assertThat(store.committed(entry.getKey(), ORDERS_0)).map(CommittedOffset::offset)
                            .as("seed %d, after cut %d: group %s", seed, cut, entry.getKey())
                            .contains(entry.getValue());
                }
                disk.cutAfterOperations(random.nextInt(150));
                for (int i = 0; i < 60; i++) {
                    String group = "g" + random.nextInt(GROUPS);
                    MemberAssignment member = coordinator.join(group, List.of("orders"), Duration.ofSeconds(10));
                    long offset = random.nextInt(1_000_000);
                    interruptedGroup = group;
                    interruptedOffset = offset;
                    store.commit(new OffsetCommit(group, member.memberId(), member.generation(),
                            List.of(new OffsetCommit.PartitionOffset(ORDERS_0, offset, ""))));
                    interruptedGroup = null;
                    acknowledged.put(group, offset);
                    commits++;
                    coordinator.leave(group, member.memberId());
                }
            } catch (IOException | RuntimeException e) {
                if (disk.cuts() == cutsBefore) {
                    throw e;
                }
            }
            if (disk.cuts() == cutsBefore) {
                disk.powerCut();
            }
            closeQuietly(manager);
        }
        assertThat(commits).isGreaterThan(CUTS);
    }

    private static void closeQuietly(LogManager manager) {
        try {
            if (manager != null) {
                manager.close();
            }
        } catch (IOException | RuntimeException dead) {
            // the disk under it is gone
        }
    }
}
