package dev.backbone.spring.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import dev.backbone.client.http.ConsumedRecord;
import dev.backbone.client.http.GroupFetchResult;
import dev.backbone.client.http.PartitionRecords;
import org.junit.jupiter.api.Test;

class PollAheadTest {

    private static final TopicPartition P0 = new TopicPartition("orders", 0);

    private static final TopicPartition P1 = new TopicPartition("orders", 1);

    private final Map<TopicPartition, OwnedPartition> owned = new ConcurrentHashMap<>();

    @Test
    void startsWhereTheRecordsInHandEndAndKeepsTheOtherPositions() {
        owned.put(P0, new OwnedPartition(0, 10, true));
        owned.put(P1, new OwnedPartition(0, 7, true));
        GroupFetchResult answer = answer(records(P0, 10, 3, 13), records(P1, 7, 0, 7));

        assertThat(PollAhead.positionsAfter(answer, poll(Map.of()), owned, System.nanoTime()))
                .isEqualTo(Map.of(P0, 13L, P1, 7L));
    }

    @Test
    void aPartitionWithoutAKnownStartTakesTheBrokersStart() {
        owned.put(P0, new OwnedPartition(0, 0, false));
        GroupFetchResult answer = answer(records(P0, 40, 0, 40));

        assertThat(PollAhead.positionsAfter(answer, poll(Map.of()), owned, System.nanoTime()))
                .isEqualTo(Map.of(P0, 40L));
    }

    @Test
    void noPollAheadWhenRecordsAreLeftBehind() {
        owned.put(P0, new OwnedPartition(0, 10, true));
        GroupFetchResult answer = answer(records(P0, 10, 3, 500));

        assertThat(PollAhead.positionsAfter(answer, poll(Map.of()), owned, System.nanoTime())).isNull();
    }

    @Test
    void noPollAheadWhileAGainedPartitionIsHeld() {
        owned.put(P0, new OwnedPartition(System.nanoTime() + 60_000_000_000L, 10, true));
        GroupFetchResult answer = answer(records(P0, 10, 3, 13));

        assertThat(PollAhead.positionsAfter(answer, poll(Map.of()), owned, System.nanoTime())).isNull();
    }

    @Test
    void anAnswerThatDoesNotFollowOnFromThePositionIsNotUsed() {
        OwnedPartition partition = new OwnedPartition(0, 10, true);
        owned.put(P0, partition);
        // The poll assumed the records up to 13 would be handled; the member stopped at 11 (a failed record).
        partition.position = 11;
        PollAhead.Poll poll = poll(Map.of(P0, 13L));
        GroupFetchResult answer = answer(records(P0, 13, 2, 15));

        assertThat(poll.startsAt(P0, partition.position)).isFalse();
        assertThat(poll.startsAt(P0, 13)).isTrue();
        assertThat(poll.startsAt(P1, 99)).as("a partition the poll left to the broker").isTrue();
        assertThat(PollAhead.positionsAfter(answer, poll, owned, System.nanoTime())).isNull();
    }

    @Test
    void uncommittedPositionsNameOnlyWhatWasHandledSinceTheLastCommit() {
        OwnedPartition handled = new OwnedPartition(0, 10, true);
        handled.position = 12;
        owned.put(P0, handled);
        owned.put(P1, new OwnedPartition(0, 7, true));

        assertThat(PollAhead.uncommittedPositions(owned)).isEqualTo(Map.of(P0, 12L));
    }

    @Test
    void droppingCancelsThePollOnItsWay() {
        PollAhead ahead = new PollAhead();
        PollAhead.Poll first = poll(Map.of());
        ahead.start(first);
        PollAhead.Poll second = poll(Map.of());
        ahead.start(second);

        assertThat(first.answer()).isCancelled();
        assertThat(ahead.take()).isSameAs(second);
        assertThat(ahead.take()).isNull();
        ahead.start(first);
        ahead.drop();
        assertThat(ahead.take()).isNull();
    }

    private static PollAhead.Poll poll(Map<TopicPartition, Long> starts) {
        return new PollAhead.Poll(new CompletableFuture<>(), starts);
    }

    private static GroupFetchResult answer(PartitionRecords... partitions) {
        return new GroupFetchResult(1, List.of(partitions));
    }

    private static PartitionRecords records(TopicPartition tp, long from, int count, long endOffset) {
        List<ConsumedRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new ConsumedRecord(from + i, 0L, null, new byte[] {1}, List.of()));
        }
        return new PartitionRecords(tp.topic(), tp.partition(), records, from + count, endOffset);
    }
}
