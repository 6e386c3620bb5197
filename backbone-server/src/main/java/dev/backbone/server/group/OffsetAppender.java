package dev.backbone.server.group;

import dev.backbone.server.log.AppendPrecondition;
import dev.backbone.server.log.PartitionLog;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * How a commit batch reaches an offsets partition. A single broker appends it to the partition's log; a cluster
 * proposes it to the partition's Raft group, valid only in the coordinator's term.
 *
 * <p>Thread safety: implementations are thread-safe.
 */
@FunctionalInterface
public interface OffsetAppender {

    /** Appends to the log with the topic's flush mode; the term is meaningless on a single broker. */
    OffsetAppender LOCAL = (log, batch, precondition, coordinatorTerm) ->
            log.append(batch, log.config().flushMode(), precondition);

    /**
     * Appends {@code batch} if {@code precondition} holds at the append, and only while this broker still
     * coordinates in {@code coordinatorTerm}. Blocks until the append is acknowledged.
     *
     * @throws IOException when the log refuses the write; nothing was appended
     */
    void append(PartitionLog log, ByteBuffer batch, AppendPrecondition precondition, long coordinatorTerm)
            throws IOException;
}
