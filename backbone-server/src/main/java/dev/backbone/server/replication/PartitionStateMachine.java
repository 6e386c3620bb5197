package dev.backbone.server.replication;

import dev.backbone.client.batch.InvalidBatchException;
import dev.backbone.server.log.AppendPrecondition;
import dev.backbone.server.log.AppendResult;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;

/**
 * The state machine of one partition's Raft group: applies committed append entries to the partition's ordinary
 * log, in commit order, stamping each batch with the entry's Raft term as its partition leader epoch and taking the
 * leader-stamped time as the append time. Nothing here reads a clock, so every replica writes the same bytes.
 *
 * <p>Durability: the Raft log (fsynced by Ratis) is what makes an entry durable; the partition log is written
 * without fsync. A snapshot fsyncs the partition log and records the applied index and the log's end offset (Ratis
 * does not purge its log: see RaftSettings). After a restart Ratis applies again the entries after the last
 * snapshot; an entry whose records the partition log already holds (it was applied before the stop) is recognised
 * by counting offsets from the snapshot's end offset, and skipped.
 *
 * <p>Snapshot file: one int64, the partition log's end offset at the snapshot's index.
 *
 * <p>Thread safety: Ratis calls apply and snapshot on one thread per group; the end offset is only touched there.
 */
public final class PartitionStateMachine extends BaseStateMachine {

    private final TopicPartition topicPartition;
    private final Function<TopicPartition, Optional<PartitionLog>> localLogs;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    /** The partition log's end offset after the last entry applied (or skipped as already applied). */
    private long appliedEndOffset;

    /** @param localLogs the engine's own log of a partition, by name, if it is open */
    public PartitionStateMachine(TopicPartition topicPartition,
                                 Function<TopicPartition, Optional<PartitionLog>> localLogs) {
        this.topicPartition = topicPartition;
        this.localLogs = localLogs;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        reinitialize();
    }

    @Override
    public void reinitialize() throws IOException {
        SingleFileSnapshotInfo snapshot = storage.getLatestSnapshot();
        if (snapshot == null) {
            appliedEndOffset = 0;
            return;
        }
        Path file = snapshot.getFile().getPath();
        appliedEndOffset = ByteBuffer.wrap(Files.readAllBytes(file)).getLong();
        updateLastAppliedTermIndex(snapshot.getTermIndex());
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        TermIndex termIndex = TermIndex.valueOf(entry);
        try {
            return CompletableFuture.completedFuture(apply(termIndex,
                    entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer()));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new UncheckedIOException("applying entry " + termIndex + " to "
                    + topicPartition + " failed", e));
        } finally {
            updateLastAppliedTermIndex(termIndex);
        }
    }

    private Message apply(TermIndex termIndex, ByteBuffer entry) throws IOException {
        PartitionLog log = localLogs.apply(topicPartition).orElse(null);
        if (log == null) {
            return PartitionEntryDescriptor.refused("partition " + topicPartition + " is not open on this broker");
        }
        long records = PartitionEntryDescriptor.recordCount(entry);
        long end = log.logEndOffset();
        if (appliedEndOffset + records <= end) {
            // Applied before a restart: the log holds these records already.
            long first = appliedEndOffset;
            appliedEndOffset += records;
            return PartitionEntryDescriptor.appended(new AppendResult(first, appliedEndOffset - 1, new long[] {first},
                    entry.getLong(PartitionEntryDescriptor.APPEND_TIME_OFFSET)));
        }
        if (appliedEndOffset != end) {
            throw new IOException("the log of " + topicPartition + " ends at offset " + end + " but the entries"
                    + " applied up to " + termIndex + " end at " + appliedEndOffset);
        }
        if (!PartitionEntryDescriptor.termAllows(entry, termIndex.getTerm())) {
            // Proposed by a leader of an earlier term and appended by its successor: the proposer's check is void.
            return PartitionEntryDescriptor.fenced(termIndex.getTerm());
        }
        long expected = entry.getLong(PartitionEntryDescriptor.EXPECTED_OFFSET_OFFSET);
        if (expected != PartitionEntryDescriptor.ANY_OFFSET && expected != end) {
            return PartitionEntryDescriptor.moved(end);
        }
        ByteBuffer batches = ByteBuffer.allocate(entry.remaining() - PartitionEntryDescriptor.BATCHES_OFFSET);
        batches.put(entry.duplicate().position(PartitionEntryDescriptor.BATCHES_OFFSET)).flip();
        try {
            AppendResult result = log.appendReplicated(batches, (int) termIndex.getTerm(),
                    entry.getLong(PartitionEntryDescriptor.APPEND_TIME_OFFSET), AppendPrecondition.NONE);
            appliedEndOffset = result.lastOffset() + 1;
            return PartitionEntryDescriptor.appended(result);
        } catch (InvalidBatchException e) {
            return PartitionEntryDescriptor.refused(e.getMessage());
        }
    }

    /** Fsyncs the partition log, then records the applied index and end offset: a restart replays from there. */
    @Override
    public long takeSnapshot() throws IOException {
        TermIndex applied = getLastAppliedTermIndex();
        if (applied == null || applied.getIndex() < 0) {
            return -1;
        }
        PartitionLog log = localLogs.apply(topicPartition).orElse(null);
        if (log == null) {
            return -1;
        }
        log.flush();
        Path file = storage.getSnapshotFile(applied.getTerm(), applied.getIndex()).toPath();
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(temp, ByteBuffer.allocate(8).putLong(appliedEndOffset).array());
        try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        FileInfo info = new FileInfo(file, MD5FileUtil.computeAndSaveMd5ForFile(file.toFile()));
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(info, applied));
        return applied.getIndex();
    }
}
