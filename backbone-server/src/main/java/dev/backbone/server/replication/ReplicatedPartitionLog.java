package dev.backbone.server.replication;

import dev.backbone.client.batch.RecordBatchValidator;
import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import dev.backbone.server.log.AppendObserver;
import dev.backbone.server.log.AppendPrecondition;
import dev.backbone.server.log.AppendRequestId;
import dev.backbone.server.log.AppendResult;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogConfig;
import dev.backbone.server.log.LogSlice;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import dev.backbone.server.log.io.OpenFileBudget;
import dev.backbone.server.log.io.StorageFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * A partition of a replicated topic as the layers above see it: reads, listeners and observers are the local log's
 * (which holds exactly what this broker's replica has applied), appends are proposed to the partition's Raft group
 * and acknowledged once committed and applied on the leader, with the offsets the leader's apply assigned.
 *
 * <p>Appends with a precondition (key streams' expected versions, idempotent producers' sequences) are made
 * conditional: the precondition is checked here against the local log's end, and the entry carries that offset;
 * apply appends it only if the partition still ends there, on every replica alike. When another append came first,
 * the check is repeated once the local log has caught up, a bounded number of times.
 *
 * <p>The {@link FlushMode} of an append is not used: every acknowledged append is in the Raft logs of a majority,
 * which Ratis fsyncs.
 *
 * <p>Thread safety: thread-safe, as the local log is.
 */
public final class ReplicatedPartitionLog implements PartitionLog {

    private static final int MAX_CONDITIONAL_ATTEMPTS = 20;
    private static final Executor RETRY_DELAY = CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS);

    private final PartitionLog local;
    private final ReplicationNode node;
    private final RaftGroupId groupId;
    private final Clock clock;

    public ReplicatedPartitionLog(PartitionLog local, ReplicationNode node, Clock clock) {
        this.local = local;
        this.node = node;
        this.groupId = RaftGroupIds.partition(local.topicPartition());
        this.clock = clock;
    }

    public PartitionLog local() {
        return local;
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(ByteBuffer batches, FlushMode flush,
                                                       AppendPrecondition precondition) {
        return appendAsync(batches, flush, precondition, null);
    }

    /**
     * An unconditional append with a request id is applied once per request on every replica: a repeat, through
     * any broker, completes with the first append's result. A conditional one is retried by its precondition.
     */
    @Override
    public CompletableFuture<AppendResult> appendAsync(ByteBuffer batches, FlushMode flush,
                                                       AppendPrecondition precondition, AppendRequestId requestId) {
        RecordBatchValidator.validateAll(batches, local.config().maxBatchBytes());
        long now = clock.millis();
        if (precondition == AppendPrecondition.NONE) {
            return propose(requestId == null ? PartitionEntryDescriptor.append(PartitionEntryDescriptor.ANY_OFFSET,
                    now, batches) : PartitionEntryDescriptor.append(PartitionEntryDescriptor.ANY_OFFSET, now,
                    requestId, batches), PartitionEntryDescriptor.ANY_TERM);
        }
        return conditional(batches, now, precondition, PartitionEntryDescriptor.ANY_TERM);
    }

    /**
     * Appends like {@link #appendAsync}, but only if the entry is appended to the Raft log in {@code leaderTerm}:
     * for a proposer whose precondition read state that is valid only while it leads the group in that term (a
     * group coordinator's membership). Fails with {@link LeaderChangedException} when a later leader appended it.
     *
     * @param leaderTerm the term this broker leads the group in
     */
    public CompletableFuture<AppendResult> appendInTerm(ByteBuffer batches, AppendPrecondition precondition,
                                                        long leaderTerm) {
        RecordBatchValidator.validateAll(batches, local.config().maxBatchBytes());
        long now = clock.millis();
        if (precondition == AppendPrecondition.NONE) {
            return propose(PartitionEntryDescriptor.append(PartitionEntryDescriptor.ANY_OFFSET, now, leaderTerm,
                    batches), leaderTerm);
        }
        return conditional(batches, now, precondition, leaderTerm);
    }

    private CompletableFuture<AppendResult> conditional(ByteBuffer batches, long now, AppendPrecondition precondition,
                                                        long leaderTerm) {
        long expected = local.logEndOffset();
        precondition.check(expected);
        ByteBuffer copy = ByteBuffer.allocate(batches.remaining()).put(batches.duplicate()).flip();
        return conditional(expected, now, copy, precondition, leaderTerm, 1);
    }

    private CompletableFuture<AppendResult> conditional(long expected, long now, ByteBuffer batches,
                                                        AppendPrecondition precondition, long leaderTerm,
                                                        int attempt) {
        return propose(PartitionEntryDescriptor.append(expected, now, leaderTerm, batches), leaderTerm)
                .thenCompose(result -> {
            if (result != null) {
                return CompletableFuture.completedFuture(result);
            }
            if (attempt >= MAX_CONDITIONAL_ATTEMPTS) {
                throw new BackboneException(ProblemType.UNAVAILABLE, "partition " + topicPartition()
                        + " moved on " + attempt + " times while a conditional append was proposed; retry",
                        Map.of("attempts", attempt));
            }
            // The partition moved on: check again once this replica has applied what came first.
            return CompletableFuture.supplyAsync(local::logEndOffset, RETRY_DELAY).thenCompose(end -> {
                precondition.check(end);
                return conditional(end, now, batches, precondition, leaderTerm, attempt + 1);
            });
        });
    }

    /** Completes with the append's result, or with null when a conditional append found the partition moved. */
    private CompletableFuture<AppendResult> propose(ByteString entry, long leaderTerm) {
        TopicPartition tp = topicPartition();
        return node.submit(groupId, node.replicas(tp), "partition " + tp, entry).thenApply(reply -> {
                    byte status = reply.get(reply.position());
                    if (status == PartitionEntryDescriptor.APPENDED || status == PartitionEntryDescriptor.DUPLICATE) {
                        return PartitionEntryDescriptor.appendResult(reply);
                    }
                    if (status == PartitionEntryDescriptor.MOVED) {
                        return null;
                    }
                    if (status == PartitionEntryDescriptor.FENCED) {
                        throw new LeaderChangedException("partition " + tp, leaderTerm,
                                reply.getLong(reply.position() + 1));
                    }
                    if (status == PartitionEntryDescriptor.KEY_REUSED) {
                        throw new BackboneException(ProblemType.IDEMPOTENCY_KEY_REUSED, "the idempotency key of this"
                                + " request was used for another request to " + tp + " within the window",
                                Map.of());
                    }
                    throw new BackboneException(ProblemType.MALFORMED_BATCH, "partition " + tp + " refused the"
                            + " batches: " + PartitionEntryDescriptor.refusedReason(reply));
                });
    }

    @Override
    public AppendResult append(ByteBuffer batches, FlushMode flush, AppendPrecondition precondition)
            throws IOException {
        try {
            return appendAsync(batches, flush, precondition).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException("append to " + topicPartition() + " failed", e.getCause());
        }
    }

    @Override
    public LogSlice read(long offset, int maxBytes) throws IOException {
        checkReplica();
        return local.read(offset, maxBytes);
    }

    /** Reads on a broker that holds no replica would find nothing: point the client at the replicas. */
    private void checkReplica() {
        if (!node.isReplica(topicPartition())) {
            List<String> urls = node.replicas(topicPartition()).stream().map(p -> p.httpUrl().toString()).toList();
            throw new BackboneException(ProblemType.NOT_REPLICA, "this broker holds no replica of "
                    + topicPartition() + "; read from one of " + urls, Map.of("replicas", urls));
        }
    }

    @Override
    public TopicPartition topicPartition() {
        return local.topicPartition();
    }

    @Override
    public LogConfig config() {
        return local.config();
    }

    @Override
    public Path directory() {
        return local.directory();
    }

    @Override
    public StorageFiles files() {
        return local.files();
    }

    @Override
    public OpenFileBudget openFiles() {
        return local.openFiles();
    }

    @Override
    public long logStartOffset() {
        return local.logStartOffset();
    }

    @Override
    public long logEndOffset() {
        return local.logEndOffset();
    }

    @Override
    public long sizeBytes() {
        return local.sizeBytes();
    }

    @Override
    public OptionalLong offsetForTimestamp(long timestampMs) throws IOException {
        return local.offsetForTimestamp(timestampMs);
    }

    @Override
    public void addAppendListener(LongConsumer listener) {
        local.addAppendListener(listener);
    }

    @Override
    public void removeAppendListener(LongConsumer listener) {
        local.removeAppendListener(listener);
    }

    @Override
    public void addAppendObserver(AppendObserver observer) {
        local.addAppendObserver(observer);
    }

    @Override
    public void removeAppendObserver(AppendObserver observer) {
        local.removeAppendObserver(observer);
    }

    @Override
    public long activeSegmentBaseOffset() {
        return local.activeSegmentBaseOffset();
    }

    @Override
    public List<Long> segmentBaseOffsets() {
        return local.segmentBaseOffsets();
    }

    @Override
    public void flush() throws IOException {
        local.flush();
    }

    @Override
    public void close() throws IOException {
        local.close();
    }

    @Override
    public String toString() {
        return "replicated " + local;
    }
}
