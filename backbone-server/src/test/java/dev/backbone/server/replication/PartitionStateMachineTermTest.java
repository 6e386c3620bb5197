package dev.backbone.server.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.client.batch.RecordBatchDescriptor;
import dev.backbone.server.log.LogConfig;
import dev.backbone.server.log.LogManager;
import dev.backbone.server.log.LogManagerOptions;
import dev.backbone.server.log.LogRecords;
import dev.backbone.server.log.LogSlice;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.statemachine.TransactionContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader-term rule of a partition group's apply, on which a deposed group coordinator's commits fail: an entry
 * that names the term its proposer led in is applied only if it was appended to the Raft log in that term; any
 * other term appends nothing, takes no offset, and answers FENCED with the term it was appended in.
 */
class PartitionStateMachineTermTest {

    private static final TopicPartition OFFSETS = new TopicPartition("__backbone_offsets", 0);

    @TempDir
    Path dataDir;

    private LogManager logManager;
    private PartitionLog log;
    private PartitionStateMachine stateMachine;

    @BeforeEach
    void openTheLog() throws IOException {
        logManager = new LogManager(dataDir, LogManagerOptions.DEFAULT);
        log = logManager.openOrCreate(OFFSETS, LogConfig.DEFAULT);
        stateMachine = new PartitionStateMachine(OFFSETS, tp -> Optional.of(log), Duration.ofMinutes(1), 100);
    }

    @AfterEach
    void close() throws IOException {
        logManager.close();
    }

    @Test
    void anEntryIsAppliedOnlyInTheTermItsProposerLedIn() throws Exception {
        ByteBuffer proposedInFive = apply(5, 1, 5, "commit of the coordinator of term 5");
        assertThat(proposedInFive.get(0)).isEqualTo(PartitionEntryDescriptor.APPENDED);
        assertThat(log.logEndOffset()).isEqualTo(1);

        // The coordinator of term 5 was deposed; its proposal reached the leader of term 6, which appended it.
        ByteBuffer stale = apply(6, 2, 5, "commit checked against the deposed coordinator's members");
        assertThat(stale.get(0)).isEqualTo(PartitionEntryDescriptor.FENCED);
        assertThat(stale.getLong(1)).as("the term the entry was appended in").isEqualTo(6);
        assertThat(log.logEndOffset()).as("a fenced entry appends nothing").isEqualTo(1);

        ByteBuffer anyTerm = apply(6, 3, PartitionEntryDescriptor.ANY_TERM, "an ordinary produce");
        ByteBuffer proposedInSix = apply(6, 4, 6, "commit of the coordinator of term 6");
        assertThat(anyTerm.get(0)).isEqualTo(PartitionEntryDescriptor.APPENDED);
        assertThat(proposedInSix.get(0)).isEqualTo(PartitionEntryDescriptor.APPENDED);
        assertThat(PartitionEntryDescriptor.appendResult(proposedInSix).firstOffset())
                .as("the fenced entry took no offset").isEqualTo(2);
        assertThat(values()).containsExactly("commit of the coordinator of term 5", "an ordinary produce",
                "commit of the coordinator of term 6");
        assertThat(leaderEpochs()).containsExactly(5, 6, 6);
    }

    @Test
    void aReplayAfterARestartDecidesAFencedEntryAgainAndAppendsNothingTwice() throws Exception {
        apply(5, 1, 5, "first");
        apply(6, 2, 5, "fenced");
        apply(6, 3, 6, "second");
        long end = log.logEndOffset();

        // A restart without a snapshot: Ratis applies every entry again to a new state machine over the same log.
        stateMachine = new PartitionStateMachine(OFFSETS, tp -> Optional.of(log), Duration.ofMinutes(1), 100);
        ByteBuffer first = apply(5, 1, 5, "first");
        ByteBuffer fenced = apply(6, 2, 5, "fenced");
        ByteBuffer second = apply(6, 3, 6, "second");

        assertThat(first.get(0)).isEqualTo(PartitionEntryDescriptor.APPENDED);
        assertThat(fenced.get(0)).isEqualTo(PartitionEntryDescriptor.FENCED);
        assertThat(PartitionEntryDescriptor.appendResult(second).firstOffset()).isEqualTo(1);
        assertThat(log.logEndOffset()).isEqualTo(end);
        assertThat(values()).containsExactly("first", "second");
    }

    @Test
    void aLaterTermThanTheEntrysIsRefusedAsMuchAsAnEarlierOne() throws Exception {
        ByteBuffer fromTheFuture = apply(4, 1, 7, "a proposal naming a term the log has not reached");

        assertThat(fromTheFuture.get(0)).isEqualTo(PartitionEntryDescriptor.FENCED);
        assertThat(log.logEndOffset()).isZero();
    }

    private ByteBuffer apply(long raftTerm, long raftIndex, long leaderTerm, String value) throws Exception {
        ByteBuffer batch = new RecordBatchBuilder()
                .add(1_000L, null, value.getBytes(StandardCharsets.UTF_8), List.of()).build();
        LogEntryProto entry = LogEntryProto.newBuilder().setTerm(raftTerm).setIndex(raftIndex)
                .setStateMachineLogEntry(StateMachineLogEntryProto.newBuilder()
                        .setLogData(PartitionEntryDescriptor.append(PartitionEntryDescriptor.ANY_OFFSET, 2_000L,
                                leaderTerm, batch)))
                .build();
        TransactionContext context = TransactionContext.newBuilder().setServerRole(RaftPeerRole.FOLLOWER)
                .setStateMachine(stateMachine).setLogEntry(entry).build();
        return stateMachine.applyTransaction(context).get().getContent().asReadOnlyByteBuffer();
    }

    private List<String> values() throws IOException {
        return records().stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    private List<Record> records() throws IOException {
        List<Record> records = new ArrayList<>();
        LogRecords.forEach(log, records::add);
        return records;
    }

    private List<Integer> leaderEpochs() throws IOException {
        LogSlice slice = log.read(0, 1 << 20);
        ByteBuffer bytes = ByteBuffer.allocate(slice.sizeBytes());
        try (FileChannel channel = slice.openChannel()) {
            channel.read(bytes, slice.position());
        }
        bytes.flip();
        List<Integer> epochs = new ArrayList<>();
        while (bytes.remaining() >= RecordBatchDescriptor.HEADER_SIZE) {
            int start = bytes.position();
            epochs.add(bytes.getInt(start + RecordBatchDescriptor.PARTITION_LEADER_EPOCH_OFFSET));
            bytes.position(start + RecordBatchDescriptor.LOG_OVERHEAD
                    + bytes.getInt(start + RecordBatchDescriptor.BATCH_LENGTH_OFFSET));
        }
        return epochs;
    }
}
