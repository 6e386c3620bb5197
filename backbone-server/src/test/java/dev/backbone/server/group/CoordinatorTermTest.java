package dev.backbone.server.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogConfig;
import dev.backbone.server.log.LogManager;
import dev.backbone.server.log.LogManagerOptions;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import dev.backbone.server.topic.Topic;
import dev.backbone.server.topic.TopicRegistry;
import dev.backbone.server.topic.TopicRegistryOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker coordinates a group only while it leads the group's offsets partition: it refuses the group's requests
 * when it does not; its commits carry the term it coordinates in; and when it coordinates again in a later term,
 * the members it knew are gone (they rejoined the coordinator in between), committed offsets are kept, and the
 * group's next generation is above every generation the replicated commits show.
 */
class CoordinatorTermTest {

    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(1_764_570_000_000L);
    private final AtomicReference<OptionalLong> leadership = new AtomicReference<>(OptionalLong.of(1));
    private final List<Long> proposedTerms = new CopyOnWriteArrayList<>();
    private LogManager logManager;
    private PartitionLog offsetsLog;
    private GroupService groups;

    @BeforeEach
    void openTheBroker() throws IOException {
        logManager = new LogManager(dataDir, LogManagerOptions.DEFAULT);
        TopicRegistry registry = new TopicRegistry(logManager, new TopicRegistryOptions(false, 1, 16,
                LogConfig.DEFAULT));
        registry.create("orders", 2, Map.of());
        for (int i = 0; i < 10; i++) {
            registry.require("orders").partition(0).append(new RecordBatchBuilder()
                    .add(1L, null, ("order " + i).getBytes(StandardCharsets.UTF_8), List.of()).build(),
                    FlushMode.NONE);
        }
        Topic offsets = registry.findOrCreate(OffsetRecords.TOPIC, 1, Map.of());
        offsetsLog = offsets.partition(0);
        GroupCoordinator coordinator = new GroupCoordinator(clock, GroupService.partitionCounts(registry),
                GroupSettings.DEFAULT);
        OffsetAppender recordingTerms = (log, batch, precondition, term) -> {
            proposedTerms.add(term);
            OffsetAppender.LOCAL.append(log, batch, precondition, term);
        };
        OffsetStore store = OffsetStore.open(offsets.partitions(), coordinator, clock,
                partition -> leadership.get(), recordingTerms);
        groups = new GroupService(registry, coordinator, store);
    }

    @AfterEach
    void close() throws IOException {
        logManager.close();
    }

    @Test
    void aBrokerThatDoesNotCoordinateTheGroupRefusesItsRequests() throws IOException {
        MemberState member = groups.join("billing", List.of("orders"), null);
        leadership.set(OptionalLong.empty());

        String id = member.assignment().memberId();
        int generation = member.assignment().generation();
        assertThatThrownBy(() -> groups.heartbeat("billing", id)).isInstanceOf(NotCoordinatorException.class);
        assertThatThrownBy(() -> groups.join("billing", List.of("orders"), null))
                .isInstanceOf(NotCoordinatorException.class);
        assertThatThrownBy(() -> groups.commit(commit(id, generation, 3)))
                .isInstanceOf(NotCoordinatorException.class);
        assertThatThrownBy(() -> groups.describe("billing")).isInstanceOf(NotCoordinatorException.class);
        assertThat(offsetsLog.logEndOffset()).as("nothing was committed").isZero();
    }

    @Test
    void coordinatingAgainInALaterTermForgetsTheMembersKeepsTheOffsetsAndRaisesTheGeneration()
            throws IOException {
        MemberState before = groups.join("billing", List.of("orders"), null);
        groups.commit(commit(before.assignment().memberId(), before.assignment().generation(), 3));
        assertThat(proposedTerms).containsExactly(1L);

        // Another broker coordinated the group meanwhile: its members committed in generation 41.
        leadership.set(OptionalLong.empty());
        offsetsLog.append(new RecordBatchBuilder().add(clock.millis(), OffsetRecords.key("billing", ORDERS_0),
                OffsetRecords.value(new CommittedOffset(7, "", clock.millis(), 41, "member-elsewhere", -1)),
                List.of()).build(), FlushMode.NONE);
        leadership.set(OptionalLong.of(3));

        assertThatThrownBy(() -> groups.heartbeat("billing", before.assignment().memberId()))
                .isInstanceOf(UnknownMemberException.class);
        MemberState after = groups.join("billing", List.of("orders"), null);
        assertThat(after.assignment().generation()).isGreaterThan(41);
        assertThat(after.assignments()).contains(new MemberState.AssignedPartition("orders", 0, 7L));
        groups.commit(commit(after.assignment().memberId(), after.assignment().generation(), 9));
        assertThat(proposedTerms).containsExactly(1L, 3L);
        assertThat(groups.describe("billing").members()).hasSize(1);
    }

    @Test
    void theSameTermKeepsTheMembers() {
        MemberState member = groups.join("billing", List.of("orders"), null);

        MemberState again = groups.heartbeat("billing", member.assignment().memberId());

        assertThat(again.assignment().generation()).isEqualTo(member.assignment().generation());
    }

    private static OffsetCommit commit(String memberId, int generation, long offset) {
        return new OffsetCommit("billing", memberId, generation,
                List.of(new OffsetCommit.PartitionOffset(ORDERS_0, offset, "")));
    }
}
