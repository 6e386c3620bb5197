package dev.backbone.server.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.server.log.AppendResult;
import dev.backbone.server.log.TopicPartition;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Raft entry layouts and the names-only choices every broker must make alike. */
class ReplicationCodecTest {

    @Test
    void anAppendEntryCarriesTheBatchesTheTimeAndTheExpectedOffset() {
        long seed = System.nanoTime();
        System.out.println("ReplicationCodecTest seed " + seed);
        Random random = new Random(seed);
        int first = 1 + random.nextInt(20);
        int second = 1 + random.nextInt(20);
        ByteBuffer batches = RecordBatchBuilder.concat(List.of(batch(first), batch(second)));
        int before = batches.position();

        ByteBuffer entry = PartitionEntryDescriptor.append(42, 1_700_000_000_123L, batches).asReadOnlyByteBuffer();

        assertThat(batches.position()).as("the proposer's buffer is untouched").isEqualTo(before);
        assertThat(entry.get(0)).isEqualTo(PartitionEntryDescriptor.KIND_APPEND);
        assertThat(entry.getLong(PartitionEntryDescriptor.EXPECTED_OFFSET_OFFSET)).isEqualTo(42);
        assertThat(entry.getLong(PartitionEntryDescriptor.APPEND_TIME_OFFSET)).isEqualTo(1_700_000_000_123L);
        assertThat(entry.remaining() - PartitionEntryDescriptor.BATCHES_OFFSET).isEqualTo(batches.remaining());
        assertThat(PartitionEntryDescriptor.batches(entry)).isEqualTo(batches);
    }

    @Test
    void repliesRoundTrip() {
        AppendResult result = new AppendResult(10, 24, new long[] {10, 17}, 99);

        ByteBuffer appended = PartitionEntryDescriptor.appended(result).getContent().asReadOnlyByteBuffer();
        AppendResult decoded = PartitionEntryDescriptor.appendResult(appended);

        assertThat(appended.get(0)).isEqualTo(PartitionEntryDescriptor.APPENDED);
        assertThat(decoded.firstOffset()).isEqualTo(10);
        assertThat(decoded.lastOffset()).isEqualTo(24);
        assertThat(decoded.batchBaseOffsets()).containsExactly(10, 17);
        assertThat(decoded.logAppendTimeMs()).isEqualTo(99);
        ByteBuffer refused = PartitionEntryDescriptor.refused("batch too large").getContent().asReadOnlyByteBuffer();
        assertThat(refused.get(0)).isEqualTo(PartitionEntryDescriptor.REFUSED);
        assertThat(PartitionEntryDescriptor.refusedReason(refused)).isEqualTo("batch too large");
        ByteBuffer moved = PartitionEntryDescriptor.moved(77).getContent().asReadOnlyByteBuffer();
        assertThat(moved.get(0)).isEqualTo(PartitionEntryDescriptor.MOVED);
        assertThat(moved.getLong(1)).isEqualTo(77);
    }

    @Test
    void topicChangesRoundTrip() throws Exception {
        TopicChange change = new TopicChange(TopicChange.Kind.CREATE, "orders", 3,
                Map.of("retention.ms", "3600000", "audit.chain", "true"));

        assertThat(TopicChange.decode(change.encode())).isEqualTo(change);
        TopicChange delete = new TopicChange(TopicChange.Kind.DELETE, "orders", 0, Map.of());
        assertThat(TopicChange.decode(delete.encode())).isEqualTo(delete);
    }

    @Test
    void groupIdsAndPlacementFollowFromNamesAlone() {
        ClusterPeers peers = ClusterPeers.parse("b2=h:3:3,b0=h:1:1,b1=h:2:2");
        ClusterPeers reordered = ClusterPeers.parse("b1=h:2:2,b2=h:3:3,b0=h:1:1");
        TopicPartition tp = new TopicPartition("orders", 0);

        assertThat(RaftGroupIds.partition(tp)).isEqualTo(RaftGroupIds.partition(new TopicPartition("orders", 0)))
                .isNotEqualTo(RaftGroupIds.partition(new TopicPartition("orders", 1)))
                .isNotEqualTo(RaftGroupIds.METADATA);
        assertThat(RaftGroupIds.replicas(peers, 3, tp)).isEqualTo(RaftGroupIds.replicas(reordered, 3, tp))
                .hasSize(3).doesNotHaveDuplicates();
        assertThat(RaftGroupIds.replicas(peers, 5, tp)).as("capped at the peers").hasSize(3);
        Map<String, Integer> firstReplicaCounts = new HashMap<>();
        for (int p = 0; p < 6; p++) {
            List<ClusterPeer> replicas = RaftGroupIds.replicas(peers, 2, new TopicPartition("orders", p));
            assertThat(replicas).hasSize(2).doesNotHaveDuplicates();
            firstReplicaCounts.merge(replicas.get(0).id(), 1, Integer::sum);
        }
        assertThat(firstReplicaCounts).as("round robin spreads the first replica").containsOnly(
                Map.entry("b0", 2), Map.entry("b1", 2), Map.entry("b2", 2));
    }

    private static ByteBuffer batch(int records) {
        RecordBatchBuilder builder = new RecordBatchBuilder();
        for (int i = 0; i < records; i++) {
            builder.add(1000L + i, null, ("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }
}
