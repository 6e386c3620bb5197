package dev.backbone.server.group;

import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogConfig;
import dev.backbone.server.log.LogManager;
import dev.backbone.server.log.LogManagerOptions;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The offsets store over a real log in a temporary directory. */
class OffsetStoreTest {

    private static final LogConfig OFFSETS_CONFIG = LogConfig.DEFAULT.withFlushMode(FlushMode.SYNC);
    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
    private static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(1_764_570_000_000L);
    private LogManager logManager;

    @AfterEach
    void closeLogs() throws IOException {
        if (logManager != null) {
            logManager.close();
        }
    }

    @Test
    void aCommitIsVisibleAtOnceAndComesBackAfterAReopen() throws IOException {
        GroupCoordinator coordinator = coordinator();
        OffsetStore store = open(coordinator, 1);
        MemberAssignment member = coordinator.join("billing", List.of("orders"), Duration.ofSeconds(10));
        coordinator.join("other", List.of("orders"), Duration.ofSeconds(10));

        store.commit(commit(member, offset(ORDERS_0, 5, "first"), offset(ORDERS_1, 7, "")));
        store.commit(commit(member, offset(ORDERS_0, 6, "second")));

        assertThat(store.committed("billing", ORDERS_0)).get().satisfies(c -> {
            assertThat(c.offset()).isEqualTo(6);
            assertThat(c.metadata()).isEqualTo("second");
            assertThat(c.generation()).isEqualTo(1);
            assertThat(c.memberId()).isEqualTo(member.memberId());
            assertThat(c.commitTimestampMs()).isEqualTo(clock.millis());
        });
        assertThat(store.committed("billing", ORDERS_1)).map(CommittedOffset::offset).contains(7L);
        assertThat(store.committed("other", ORDERS_0)).isEmpty();
        store.close();
        reopenLogs();

        GroupCoordinator restarted = coordinator();
        OffsetStore reopened = open(restarted, 1);

        assertThat(reopened.offsets().committed("billing")).isEqualTo(store.offsets().committed("billing"));
        assertThat(reopened.offsets().groups()).containsExactly("billing");
        assertThat(restarted.join("billing", List.of("orders"), null).generation())
                .as("generations continue above those in the offsets topic").isEqualTo(2);
    }

    @Test
    void aFencedCommitWritesNothing() throws IOException {
        GroupCoordinator coordinator = coordinator();
        OffsetStore store = open(coordinator, 1);
        MemberAssignment first = coordinator.join("billing", List.of("orders"), Duration.ofSeconds(10));
        MemberAssignment second = coordinator.join("billing", List.of("orders"), Duration.ofSeconds(10));
        PartitionLog log = store.partitionFor("billing");
        long end = log.logEndOffset();

        assertThatThrownBy(() -> store.commit(commit(first, offset(ORDERS_0, 1, ""))))
                .isInstanceOf(GenerationFencedException.class);
        TopicPartition secondOwns = second.partitions().get(0);
        TopicPartition firstOwns = coordinator.heartbeat("billing", first.memberId()).partitions().get(0);
        assertThatThrownBy(() -> store.commit(new OffsetCommit("billing", first.memberId(), 2,
                List.of(offset(firstOwns, 1, ""), offset(secondOwns, 1, "")))))
                .as("one foreign partition refuses the whole commit")
                .isInstanceOf(PartitionNotOwnedException.class);
        assertThatThrownBy(() -> store.commit(new OffsetCommit("billing", "member-gone", 2,
                List.of(offset(firstOwns, 1, "")))))
                .isInstanceOf(UnknownMemberException.class);

        assertThat(log.logEndOffset()).isEqualTo(end);
        assertThat(store.offsets().committed("billing")).isEmpty();
    }

    @Test
    void recordsThatAreNotCommitsAreSkipped() throws IOException {
        GroupCoordinator coordinator = coordinator();
        OffsetStore store = open(coordinator, 1);
        PartitionLog log = store.partitionFor("billing");
        log.append(new RecordBatchBuilder()
                .add(1, "not a key".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8))
                .add(1, "billing/orders/0".getBytes(StandardCharsets.UTF_8), "garbage".getBytes(StandardCharsets.UTF_8))
                .add(1, null, null)
                .build(), FlushMode.SYNC);
        MemberAssignment member = coordinator.join("billing", List.of("orders"), null);
        store.commit(commit(member, offset(ORDERS_0, 3, "")));
        store.close();
        reopenLogs();

        OffsetStore reopened = open(coordinator(), 1);

        assertThat(reopened.offsets().committed("billing")).containsOnlyKeys(ORDERS_0);
        assertThat(reopened.committed("billing", ORDERS_0)).map(CommittedOffset::offset).contains(3L);
    }

    /**
     * Groups spread over three offsets partitions and commit from several threads; the live view must equal what
     * a rebuild from the log gives, and each key's value must be its last commit. Bounded: 4 threads x 100 commits.
     */
    @Test
    void concurrentCommitsEndAsTheLogSays() throws Exception {
        long seed = System.nanoTime();
        GroupCoordinator coordinator = coordinator();
        OffsetStore store = open(coordinator, 3);
        List<MemberAssignment> members = new ArrayList<>();
        for (int g = 0; g < 8; g++) {
            members.add(coordinator.join("group-" + g, List.of("orders"), Duration.ofMinutes(1)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Random random = new Random(seed + t);
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        MemberAssignment member = members.get(random.nextInt(members.size()));
                        store.commit(commit(member, offset(ORDERS_0, random.nextInt(1000), ""),
                                offset(ORDERS_1, random.nextInt(1000), "")));
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, Map<TopicPartition, CommittedOffset>> live = new java.util.TreeMap<>();
        for (String group : store.offsets().groups()) {
            live.put(group, store.offsets().committed(group));
        }
        store.close();
        reopenLogs();

        OffsetStore rebuilt = open(coordinator(), 3);

        assertThat(live).as("seed " + seed).hasSize(8);
        for (String group : live.keySet()) {
            assertThat(rebuilt.offsets().committed(group)).as("seed " + seed + " group " + group)
                    .isEqualTo(live.get(group));
        }
    }

    /**
     * With retention on the offsets topic, the refresh rewrites the offsets of groups with members before their
     * records age out; the offsets of a group that stayed empty expire with their segment, in memory as after a
     * restart.
     */
    @Test
    void retentionExpiresOffsetsOfEmptyGroupsWhileRefreshedOnesSurvive() throws IOException {
        LogConfig shortLived = OFFSETS_CONFIG.withSegmentBytes(1024).withRetentionMs(10_000);
        logManager = new LogManager(dataDir, LogManagerOptions.DEFAULT.withClock(clock));
        PartitionLog log = logManager.openOrCreate(new TopicPartition(OffsetRecords.TOPIC, 0), shortLived);
        GroupCoordinator coordinator = coordinator();
        OffsetStore store = OffsetStore.open(List.of(log), coordinator, clock);
        MemberAssignment active = coordinator.join("active", List.of("orders"), Duration.ofMinutes(1));
        MemberAssignment idle = coordinator.join("idle", List.of("orders"), Duration.ofMinutes(1));
        MemberAssignment filler = coordinator.join("filler", List.of("orders"), Duration.ofMinutes(1));
        store.commit(commit(active, offset(ORDERS_0, 1, "")));
        store.commit(commit(idle, offset(ORDERS_0, 2, "")));
        for (int i = 0; i < 12; i++) {
            store.commit(commit(filler, offset(ORDERS_1, i, "")));
        }
        coordinator.leave("idle", idle.memberId());
        coordinator.leave("filler", filler.memberId());
        clock.advance(Duration.ofSeconds(6));

        int rewritten = store.refresh(clock.millis() - 5_000,
                group -> coordinator.describe(group).map(v -> !v.members().isEmpty()).orElse(false));
        assertThat(rewritten).isEqualTo(1);
        assertThat(store.refresh(clock.millis() - 5_000, group -> !group.equals("idle")))
                .as("only records older than the threshold are rewritten: filler's, not active's again")
                .isEqualTo(1);
        clock.advance(Duration.ofSeconds(6));
        assertThat(logManager.applyRetention()).isPositive();

        assertThat(log.logStartOffset()).isPositive();
        assertThat(store.committed("active", ORDERS_0)).map(CommittedOffset::offset).contains(1L);
        assertThat(store.committed("filler", ORDERS_1)).map(CommittedOffset::offset).contains(11L);
        assertThat(store.committed("idle", ORDERS_0)).isEmpty();
        assertThat(store.offsets().groups()).containsExactly("active", "filler");
        store.close();
        reopenLogs();

        OffsetStore reopened = open(coordinator(), 1);
        assertThat(reopened.offsets().groups()).containsExactly("active", "filler");
        assertThat(reopened.committed("active", ORDERS_0)).map(CommittedOffset::offset).contains(1L);
    }

    @Test
    void aRefreshLosesToAConcurrentCommitOfTheSameKey() throws IOException {
        GroupCoordinator coordinator = coordinator();
        OffsetStore store = open(coordinator, 1);
        MemberAssignment member = coordinator.join("billing", List.of("orders"), Duration.ofMinutes(1));
        store.commit(commit(member, offset(ORDERS_0, 1, "")));
        clock.advance(Duration.ofSeconds(10));
        // The commit below lands after the refresh has scanned: simulated by a refresh whose scan is stale.
        PartitionLog log = store.partitionFor("billing");
        long endBefore = log.logEndOffset();
        store.commit(commit(member, offset(ORDERS_0, 9, "")));

        assertThat(store.refresh(clock.millis(), group -> true)).isZero();
        assertThat(log.logEndOffset()).isEqualTo(endBefore + 1);
        assertThat(store.committed("billing", ORDERS_0)).map(CommittedOffset::offset).contains(9L);
    }

    private GroupCoordinator coordinator() {
        return new GroupCoordinator(clock, topic -> topic.equals("orders") ? 2 : 0, GroupSettings.DEFAULT);
    }

    private OffsetStore open(GroupCoordinator coordinator, int partitions) throws IOException {
        if (logManager == null) {
            logManager = new LogManager(dataDir, LogManagerOptions.DEFAULT);
        }
        List<PartitionLog> logs = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            logs.add(logManager.openOrCreate(new TopicPartition(OffsetRecords.TOPIC, p), OFFSETS_CONFIG));
        }
        return OffsetStore.open(logs, coordinator, clock);
    }

    private void reopenLogs() throws IOException {
        logManager.close();
        logManager = null;
    }

    private static OffsetCommit commit(MemberAssignment member, OffsetCommit.PartitionOffset... offsets) {
        return new OffsetCommit(member.group(), member.memberId(), member.generation(), List.of(offsets));
    }

    private static OffsetCommit.PartitionOffset offset(TopicPartition tp, long offset, String metadata) {
        return new OffsetCommit.PartitionOffset(tp, offset, metadata);
    }
}
