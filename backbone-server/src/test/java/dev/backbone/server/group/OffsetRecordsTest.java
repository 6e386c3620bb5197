package dev.backbone.server.group;

import dev.backbone.server.log.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class OffsetRecordsTest {

    private static final TopicPartition ORDERS_3 = new TopicPartition("orders", 3);

    @Test
    void aCommitRoundTrips() {
        CommittedOffset committed = new CommittedOffset(42, "node-7 \"quoted\"", 1_764_570_000_000L, 7, "member-x", 9);

        byte[] key = OffsetRecords.key("billing", ORDERS_3);
        OffsetRecords.Entry entry = OffsetRecords.decode(key, OffsetRecords.value(committed), 9).orElseThrow();

        assertThat(new String(key, StandardCharsets.UTF_8)).isEqualTo("billing/orders/3");
        assertThat(entry.group()).isEqualTo("billing");
        assertThat(entry.topicPartition()).isEqualTo(ORDERS_3);
        assertThat(entry.committed()).isEqualTo(committed);
    }

    @Test
    void theValueIsReadableJson() {
        String json = new String(OffsetRecords.value(new CommittedOffset(5, "", 1, 2, "m", 0)), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"offset\":5,\"metadata\":\"\",\"commitTimestamp\":1,\"generation\":2,\"memberId\":\"m\"}");
    }

    @Test
    void aNullValueIsATombstone() {
        OffsetRecords.Entry entry = OffsetRecords.decode(OffsetRecords.key("g", ORDERS_3), null, 3).orElseThrow();

        assertThat(entry.committed()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "g", "g/orders", "g/orders/x", "g/orders/-1", "g/orders/1/2", "bad name/orders/1",
            "g//1", "g/orders/99999999999"})
    void malformedKeysAreSkipped(String key) {
        assertThat(OffsetRecords.decode(key.getBytes(StandardCharsets.UTF_8), "{\"offset\":1}".getBytes(), 0)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[]", "{}", "{\"offset\":-1}", "{\"offset\":\"1\"}", "{\"offset\":1.5}"})
    void malformedValuesAreSkipped(String value) {
        assertThat(OffsetRecords.decode("g/t/0".getBytes(), value.getBytes(StandardCharsets.UTF_8), 0)).isEmpty();
    }

    @Test
    void theLatestRecordOfAKeyWinsWhateverTheOrderOfApplication() {
        CommittedOffsets offsets = new CommittedOffsets();
        OffsetRecords.Entry older = new OffsetRecords.Entry("g", ORDERS_3, new CommittedOffset(10, "", 0, 1, "a", 5));
        OffsetRecords.Entry newer = new OffsetRecords.Entry("g", ORDERS_3, new CommittedOffset(20, "", 0, 2, "b", 8));

        assertThat(offsets.apply(newer, 8)).isTrue();
        assertThat(offsets.apply(older, 5)).isFalse();
        assertThat(offsets.apply(newer, 8)).isFalse();

        assertThat(offsets.committed("g", ORDERS_3)).map(CommittedOffset::offset).contains(20L);
        assertThat(offsets.maxGeneration("g")).isEqualTo(2);
        assertThat(offsets.groups()).containsExactly("g");
    }

    @Test
    void aTombstoneHidesOlderCommitsEvenWhenTheyAreReplayedLater() {
        CommittedOffsets offsets = new CommittedOffsets();
        OffsetRecords.Entry commit = new OffsetRecords.Entry("g", ORDERS_3, new CommittedOffset(10, "", 0, 1, "a", 1));
        offsets.apply(new OffsetRecords.Entry("g", ORDERS_3, null), 2);
        offsets.apply(commit, 1);

        assertThat(offsets.committed("g", ORDERS_3)).isEmpty();
        assertThat(offsets.committed("g")).isEmpty();
        assertThat(offsets.groups()).isEmpty();
        assertThat(offsets.maxGeneration("g")).isZero();
    }
}
