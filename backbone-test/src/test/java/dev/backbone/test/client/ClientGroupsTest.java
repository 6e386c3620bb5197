package dev.backbone.test.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backbone.client.batch.Header;
import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.client.http.AssignedPartition;
import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.ConsumedRecord;
import dev.backbone.client.http.FetchOptions;
import dev.backbone.client.http.FetchPosition;
import dev.backbone.client.http.GenerationFencedException;
import dev.backbone.client.http.GroupDescription;
import dev.backbone.client.http.GroupFetchResult;
import dev.backbone.client.http.GroupMembership;
import dev.backbone.client.http.OffsetCommit;
import dev.backbone.client.http.PartitionNotOwnedException;
import dev.backbone.client.http.PartitionRecords;
import dev.backbone.client.http.ProduceOptions;
import dev.backbone.client.http.UnknownGroupException;
import dev.backbone.client.http.UnknownMemberException;
import dev.backbone.test.EmbeddedBackbone;
import dev.backbone.test.EmbeddedBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@EmbeddedBackbone(topics = {"groups-a", "groups-b", "groups-c"}, partitions = 2)
class ClientGroupsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static BackboneClient client;
    private static EmbeddedBroker broker;

    @BeforeAll
    static void connect(EmbeddedBroker embedded) {
        broker = embedded;
        client = BackboneClient.create(embedded.url());
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Test
    void joinFetchCommitAndLeave() {
        client.produce("groups-a", 0, ClientProduceFetchTest.batch(0, 3), ProduceOptions.DEFAULT).block(WAIT);
        client.produce("groups-a", 1, ClientProduceFetchTest.batch(10, 1), ProduceOptions.DEFAULT).block(WAIT);

        GroupMembership member = client.joinGroup("g-a", List.of("groups-a"), Duration.ofSeconds(10)).block(WAIT);
        assertThat(member.group()).isEqualTo("g-a");
        assertThat(member.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(member.assignments()).containsExactlyInAnyOrder(
                new AssignedPartition("groups-a", 0, AssignedPartition.NO_COMMIT),
                new AssignedPartition("groups-a", 1, AssignedPartition.NO_COMMIT));

        GroupFetchResult fetched = client.groupFetch("g-a", member.memberId(), FetchOptions.DEFAULT, List.of())
                .block(WAIT);
        assertThat(fetched.generation()).isEqualTo(member.generation());
        assertThat(fetched.recordCount()).isEqualTo(4);
        PartitionRecords p0 = partition(fetched, 0);
        assertThat(p0.records()).extracting(ConsumedRecord::offset).containsExactly(0L, 1L, 2L);
        assertThat(p0.nextOffset()).isEqualTo(3);
        assertThat(p0.records().get(2).value()).isEqualTo("{\"n\":2}".getBytes(StandardCharsets.UTF_8));
        assertThat(p0.records().get(2).key()).isEqualTo("k2".getBytes(StandardCharsets.UTF_8));
        assertThat(p0.records().get(2).header("trace")).isEqualTo("t2");

        client.commit("g-a", member.memberId(), member.generation(), List.of(new OffsetCommit("groups-a", 0, 2)))
                .block(WAIT);
        GroupMembership renewed = client.heartbeat("g-a", member.memberId()).block(WAIT);
        assertThat(renewed.assignments()).contains(new AssignedPartition("groups-a", 0, 2));
        GroupFetchResult resumed = client.groupFetch("g-a", member.memberId(), FetchOptions.DEFAULT,
                List.of(new FetchPosition("groups-a", 1, 1))).block(WAIT);
        assertThat(partition(resumed, 0).records()).extracting(ConsumedRecord::offset).containsExactly(2L);
        assertThat(partition(resumed, 1).records()).isEmpty();

        GroupDescription described = client.describeGroup("g-a").block(WAIT);
        assertThat(described.members()).singleElement().satisfies(m -> {
            assertThat(m.memberId()).isEqualTo(member.memberId());
            assertThat(m.topics()).containsExactly("groups-a");
        });
        assertThat(described.partitions()).anySatisfy(p -> {
            assertThat(p.partition()).isZero();
            assertThat(p.committedOffset()).isEqualTo(2);
            assertThat(p.lag()).isEqualTo(1);
            assertThat(p.owner()).isEqualTo(member.memberId());
        });

        client.leaveGroup("g-a", member.memberId()).block(WAIT);
        client.leaveGroup("g-a", member.memberId()).block(WAIT);
        assertThatThrownBy(() -> client.heartbeat("g-a", member.memberId()).block(WAIT))
                .isInstanceOfSatisfying(UnknownMemberException.class, e -> {
                    assertThat(e.group()).isEqualTo("g-a");
                    assertThat(e.memberId()).isEqualTo(member.memberId());
                });
    }

    @Test
    void valuesComeBackByteForByteWhateverTheirForm() throws Exception {
        // A JSON produce keeps the value's JSON text exactly as sent, spaces and digits included.
        String body = "{\"records\": [{\"value\": {\"b\" : [1, 2.50, \"x,}\"], \"a\":null}, \"partition\": 0,"
                + " \"headers\": {\"h\": [\"1\", null, {\"base64\": \"/wA=\"}]}}, {\"value\": \"text\","
                + " \"partition\": 0}, {\"partition\": 0, \"key\": \"only-key\"}]}";
        HttpResponse<String> produced = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(broker.url() + "/v1/topics/groups-b/records")).timeout(WAIT)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(produced.statusCode()).isEqualTo(200);
        byte[] binary = {(byte) 0xff, 0, 1, '"'};
        client.produce("groups-b", 0, new RecordBatchBuilder().add(5L, new byte[] {(byte) 0xfe}, binary,
                List.of(new Header("raw", new byte[] {(byte) 0x80}))).build(), ProduceOptions.DEFAULT).block(WAIT);

        GroupMembership member = client.joinGroup("g-b", List.of("groups-b"), null).block(WAIT);
        List<ConsumedRecord> records = partition(client.groupFetch("g-b", member.memberId(), FetchOptions.DEFAULT,
                List.of()).block(WAIT), 0).records();
        assertThat(records).hasSize(4);
        assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"b\" : [1, 2.50, \"x,}\"], \"a\":null}");
        assertThat(records.get(0).headers()).containsExactly(new Header("h", "1".getBytes(StandardCharsets.UTF_8)),
                new Header("h", null), new Header("h", new byte[] {(byte) 0xff, 0}));
        assertThat(new String(records.get(1).value(), StandardCharsets.UTF_8)).isEqualTo("\"text\"");
        assertThat(records.get(2).value()).isNull();
        assertThat(records.get(2).key()).isEqualTo("only-key".getBytes(StandardCharsets.UTF_8));
        assertThat(records.get(3).value()).isEqualTo(binary);
        assertThat(records.get(3).key()).isEqualTo(new byte[] {(byte) 0xfe});
        assertThat(records.get(3).headers()).containsExactly(new Header("raw", new byte[] {(byte) 0x80}));
        assertThat(Arrays.equals(records.get(3).value(), binary)).isTrue();
        client.leaveGroup("g-b", member.memberId()).block(WAIT);
    }

    @Test
    void fencingRefusalsCarryTheirFacts() {
        GroupMembership first = client.joinGroup("g-c", List.of("groups-c"), null).block(WAIT);
        GroupMembership second = client.joinGroup("g-c", List.of("groups-c"), null).block(WAIT);
        assertThatThrownBy(() -> client.commit("g-c", first.memberId(), first.generation(),
                List.of(new OffsetCommit("groups-c", 0, 0))).block(WAIT))
                .isInstanceOfSatisfying(GenerationFencedException.class, e -> {
                    assertThat(e.generation()).isEqualTo(first.generation());
                    assertThat(e.currentGeneration()).isEqualTo(second.generation());
                });
        GroupMembership now = client.heartbeat("g-c", first.memberId()).block(WAIT);
        int notOwned = 1 - now.assignments().get(0).partition();
        assertThatThrownBy(() -> client.commit("g-c", first.memberId(), now.generation(),
                List.of(new OffsetCommit("groups-c", notOwned, 0))).block(WAIT))
                .isInstanceOfSatisfying(PartitionNotOwnedException.class, e -> {
                    assertThat(e.topic()).isEqualTo("groups-c");
                    assertThat(e.partition()).isEqualTo(notOwned);
                });
        assertThatThrownBy(() -> client.describeGroup("g-never").block(WAIT))
                .isInstanceOfSatisfying(UnknownGroupException.class, e -> assertThat(e.group()).isEqualTo("g-never"));
        client.leaveGroup("g-c", first.memberId()).block(WAIT);
        client.leaveGroup("g-c", second.memberId()).block(WAIT);
    }

    private static PartitionRecords partition(GroupFetchResult result, int partition) {
        return result.partitions().stream().filter(p -> p.partition() == partition).findFirst().orElseThrow();
    }
}
