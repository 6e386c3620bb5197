package dev.backbone.server.replication;

import dev.backbone.client.batch.InvalidBatchException;
import dev.backbone.client.batch.RecordBatchHeader;
import dev.backbone.client.batch.RecordBatchValidator;
import dev.backbone.server.log.AppendPrecondition;
import dev.backbone.server.log.AppendRequestId;
import dev.backbone.server.log.AppendResult;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;

/**
 * The state machine of one partition's Raft group: applies committed append entries to the partition's ordinary
 * log, in commit order, stamping each batch with the entry's Raft term as its partition leader epoch and taking the
 * leader-stamped time as the append time. Nothing here reads a clock, so every replica writes the same bytes.
 *
 * <p>What an entry does is decided by the entry and by the end offset the entries before it left, nothing else:
 * an entry naming a leader term other than the one it was appended in is answered "fenced" and appends nothing; a
 * conditional append whose expected offset is not that end is answered "moved" and appends nothing; batches whose
 * bytes do not validate are "refused" and append nothing; every other entry appends all its batches. Local state
 * that could differ between replicas (is the partition open here, the topic's current config) never decides.
 * Should this replica be unable to apply an entry (its log not open within {@link #LOG_OPEN_WAIT}, a failed write),
 * apply throws: Ratis then stops this member of the group, and neither the applied index nor the end offset has
 * moved past the entry, so a restart decides it again. An entry is never skipped.
 *
 * <p>Durability: the Raft log (fsynced by Ratis) is what makes an entry durable; the partition log is written
 * without fsync. A snapshot fsyncs the partition log and records the applied index and the end offset there. After
 * a restart Ratis applies again every entry after the last snapshot. Each is decided again by the same rules,
 * against the end offset the entries before it left (starting from the snapshot's), which is exactly what the
 * first apply saw; the records an appending entry would add are then compared with what the partition log already
 * holds: batches it holds are not written again, the rest (after a crash lost an unflushed tail, possibly in the
 * middle of an entry of several batches) are appended.
 *
 * <p>An entry appended once per client request (an {@code Idempotency-Key}) is answered, when the partition's
 * {@link AppliedRequests} hold the same request, with what its first append stored and appends nothing; with the
 * same key and another request, "key reused". That table too follows from the entries alone.
 *
 * <p>Snapshot file: the partition log's end offset at the snapshot's index (int64), then the applied requests
 * ({@link AppliedRequests#writeTo}); a file of the end offset alone holds no requests.
 *
 * <p>Thread safety: Ratis calls apply and snapshot on one thread per group; the end offset is only touched there.
 */
public final class PartitionStateMachine extends SnapshotInstallingStateMachine {

    /** How long apply waits for the partition's log to be open here before it gives up on this replica. */
    static final Duration LOG_OPEN_WAIT = Duration.ofSeconds(10);

    private final TopicPartition topicPartition;
    private final Function<TopicPartition, Optional<PartitionLog>> localLogs;
    private final AppliedRequests requests;
    private final SnapshotTrigger snapshotTrigger;
    /** The end offset the entries applied so far leave the partition at (replayed ones included). */
    private long appliedEndOffset;
    private volatile RaftServer raftServer;
    private volatile boolean installing;
    private volatile boolean closed;

    /**
     * @param localLogs     the engine's own log of a partition, by name, if it is open
     * @param requestWindow how long (in entries' append time) a request is answered as a repeat
     * @param maxRequests   how many requests are remembered at most
     */
    public PartitionStateMachine(TopicPartition topicPartition,
                                 Function<TopicPartition, Optional<PartitionLog>> localLogs, Duration requestWindow,
                                 int maxRequests) {
        this(topicPartition, localLogs, requestWindow, maxRequests, Long.MAX_VALUE);
    }

    /**
     * @param snapshotIntervalBytes bytes of entries after which a snapshot is taken, whatever their number, so that
     *                              the Raft log kept since the last snapshot stays bounded in bytes
     */
    public PartitionStateMachine(TopicPartition topicPartition,
                                 Function<TopicPartition, Optional<PartitionLog>> localLogs, Duration requestWindow,
                                 int maxRequests, long snapshotIntervalBytes) {
        super("the group of " + topicPartition);
        this.topicPartition = topicPartition;
        this.localLogs = localLogs;
        this.requests = new AppliedRequests(requestWindow, maxRequests);
        this.snapshotTrigger = new SnapshotTrigger(snapshotIntervalBytes);
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        this.raftServer = server;
        getStateMachineStorage().init(raftStorage);
        reinitialize();
    }

    /**
     * Loads the latest snapshot: at start, and after a snapshot was installed from another member (then the state
     * is replaced, whatever was applied before, so the applied index is set, not advanced).
     */
    @Override
    void loadLatestSnapshot() throws IOException {
        SingleFileSnapshotInfo snapshot = getStateMachineStorage().getLatestSnapshot();
        requests.clear();
        snapshotTrigger.reset();
        if (snapshot == null) {
            appliedEndOffset = 0;
            return;
        }
        Path file = snapshot.getFile().getPath();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            appliedEndOffset = in.readLong();
            if (Files.size(file) > Long.BYTES) {
                requests.readFrom(in);
            }
        }
        setLastAppliedTermIndex(snapshot.getTermIndex());
    }

    /** Whether a snapshot installation is copying batches right now. */
    boolean installing() {
        return installing;
    }

    /**
     * This replica lacks entries the leader purged: rebuilds the partition up to the leader's latest snapshot by
     * copying the batches it lacks from the leader's log ({@link PartitionSnapshotInstaller}); that snapshot (end
     * offset and applied requests, as the leader recorded them) then becomes this replica's own. A failure (the
     * leader unreachable or changed, a log that is not a prefix of the leader's) fails the installation.
     */
    @Override
    SnapshotQueryDescriptor.RemoteSnapshot install(RaftPeerId leader, RaftGroup group, TermIndex firstTermIndexInLog)
            throws IOException {
        installing = true;
        try {
            return copy(leader, group, firstTermIndexInLog);
        } finally {
            installing = false;
        }
    }

    /** Copies the batches this replica lacks up to the leader's latest snapshot, which it returns. */
    private SnapshotQueryDescriptor.RemoteSnapshot copy(RaftPeerId leader, RaftGroup group,
                                                        TermIndex firstTermIndexInLog) throws IOException {
        PartitionLog log = localLogs.apply(topicPartition).orElseThrow(() -> new IOException("the log of "
                + topicPartition + " is not open on this broker"));
        try (GroupQueries queries = new GroupQueries(group)) {
            SnapshotQueryDescriptor.RemoteSnapshot snapshot = SnapshotFiles.fetchLatest(queries, leader,
                    firstTermIndexInLog, what());
            long endOffset = ByteBuffer.wrap(snapshot.content()).getLong();
            new PartitionSnapshotInstaller(queries, leader, log).copyUpTo(endOffset);
            return snapshot;
        }
    }

    /** Answers another member rebuilding this partition from this replica ({@link SnapshotQueryDescriptor}). */
    @Override
    public CompletableFuture<Message> query(Message request) {
        try {
            PartitionLog log = localLogs.apply(topicPartition).orElseThrow(() -> new IOException("the log of "
                    + topicPartition + " is not open on this broker"));
            ByteBuffer query = request.getContent().asReadOnlyByteBuffer();
            return CompletableFuture.completedFuture(Message.valueOf(
                    PartitionSnapshotSource.answer(query, getStateMachineStorage(), log)));
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        TermIndex termIndex = TermIndex.valueOf(entry);
        Message reply;
        try {
            reply = apply(termIndex, entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer());
        } catch (IOException e) {
            throw new UncheckedIOException("applying entry " + termIndex + " to " + topicPartition + " failed; this"
                    + " replica of the partition stops and decides the entry again when restarted", e);
        }
        updateLastAppliedTermIndex(termIndex);
        if (snapshotTrigger.add(entry.getSerializedSize())) {
            snapshotTrigger.request(raftServer, getGroupId(), topicPartition);
        }
        return CompletableFuture.completedFuture(reply);
    }

    private Message apply(TermIndex termIndex, ByteBuffer entry) throws IOException {
        PartitionLog log = awaitLog(termIndex);
        long end = log.logEndOffset();
        if (end < appliedEndOffset) {
            throw new IOException("the log of " + topicPartition + " ends at offset " + end + ", below offset "
                    + appliedEndOffset + " where the entries applied before " + termIndex + " leave it");
        }
        if (!PartitionEntryDescriptor.termAllows(entry, termIndex.getTerm())) {
            // Proposed by a leader of an earlier term and appended by its successor: the proposer's check is void.
            // Decided by the entry alone, so a replay decides it alike.
            return PartitionEntryDescriptor.fenced(termIndex.getTerm());
        }
        long expected = entry.getLong(entry.position() + PartitionEntryDescriptor.EXPECTED_OFFSET_OFFSET);
        if (expected != PartitionEntryDescriptor.ANY_OFFSET && expected != appliedEndOffset) {
            return PartitionEntryDescriptor.moved(appliedEndOffset);
        }
        long appendTimeMs = entry.getLong(entry.position() + PartitionEntryDescriptor.APPEND_TIME_OFFSET);
        AppendRequestId request = PartitionEntryDescriptor.requestId(entry);
        if (request != null) {
            AppliedRequests.Applied earlier = requests.find(request, appendTimeMs);
            if (earlier != null) {
                return AppliedRequests.sameRequest(earlier, request)
                        ? PartitionEntryDescriptor.duplicate(earlier.result()) : PartitionEntryDescriptor.keyReused();
            }
        }
        ByteBuffer batches = PartitionEntryDescriptor.batches(entry);
        AppendResult result;
        try {
            result = end > appliedEndOffset ? replay(log, termIndex, batches, appendTimeMs, end)
                    : log.appendReplicated(batches, (int) termIndex.getTerm(), appendTimeMs, AppendPrecondition.NONE);
        } catch (InvalidBatchException e) {
            return PartitionEntryDescriptor.refused(e.getMessage());
        }
        appliedEndOffset = result.lastOffset() + 1;
        if (request != null) {
            requests.add(request, result);
        }
        return PartitionEntryDescriptor.appended(result);
    }

    /**
     * An entry applied before a restart, whose records the log holds in full or in part: decided as the first apply
     * decided it, writing only the batches the log lacks.
     *
     * @throws InvalidBatchException when the first apply refused the entry: its batches do not validate
     */
    private AppendResult replay(PartitionLog log, TermIndex termIndex, ByteBuffer batches, long appendTimeMs,
                                long end) throws IOException {
        List<RecordBatchHeader> headers = RecordBatchValidator.validateAll(batches, Integer.MAX_VALUE);
        long[] bases = new long[headers.size()];
        long offset = appliedEndOffset;
        int held = 0;
        int position = batches.position();
        for (; held < headers.size() && offset < end; held++) {
            bases[held] = offset;
            offset += headers.get(held).lastOffsetDelta() + 1L;
            position += headers.get(held).sizeInBytes();
        }
        if (offset > end) {
            throw new IOException("the log of " + topicPartition + " ends at offset " + end + ", inside a batch of"
                    + " entry " + termIndex + " which starts at offset " + appliedEndOffset);
        }
        if (held < headers.size()) {
            AppendResult rest = log.appendReplicated(batches.position(position), (int) termIndex.getTerm(),
                    appendTimeMs, AppendPrecondition.NONE);
            System.arraycopy(rest.batchBaseOffsets(), 0, bases, held, headers.size() - held);
            offset = rest.lastOffset() + 1;
        }
        return new AppendResult(appliedEndOffset, offset - 1, bases, appendTimeMs);
    }

    /** The local log, which is open unless its topic is being created or deleted here right now. */
    private PartitionLog awaitLog(TermIndex termIndex) throws IOException {
        long deadline = System.nanoTime() + LOG_OPEN_WAIT.toNanos();
        while (true) {
            Optional<PartitionLog> log = localLogs.apply(topicPartition);
            if (log.isPresent()) {
                return log.get();
            }
            if (closed || System.nanoTime() - deadline > 0) {
                throw new IOException("the log of " + topicPartition + " is not open on this broker, so entry "
                        + termIndex + " cannot be applied");
            }
            LockSupport.parkNanos(10_000_000);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        super.close();
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
        snapshotTrigger.reset();
        long endOffset = appliedEndOffset;
        SnapshotFiles.write(getStateMachineStorage(), applied, stream -> {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(stream));
            out.writeLong(endOffset);
            requests.writeTo(out);
            out.flush();
        });
        return applied.getIndex();
    }
}
