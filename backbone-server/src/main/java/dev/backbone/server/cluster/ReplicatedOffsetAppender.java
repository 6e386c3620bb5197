package dev.backbone.server.cluster;

import dev.backbone.server.group.OffsetAppender;
import dev.backbone.server.log.AppendPrecondition;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.replication.ReplicatedPartitionLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionException;

/**
 * Proposes a commit to the offsets partition's Raft group as an entry valid only in the coordinator's term, so that
 * apply refuses it (on every replica alike) when a new coordinator's term began before it was appended.
 *
 * <p>Thread safety: stateless.
 */
public final class ReplicatedOffsetAppender implements OffsetAppender {

    @Override
    public void append(PartitionLog log, ByteBuffer batch, AppendPrecondition precondition, long coordinatorTerm)
            throws IOException {
        if (!(log instanceof ReplicatedPartitionLog replicated)) {
            throw new IllegalStateException(log + " is not replicated, yet the broker runs in a cluster");
        }
        try {
            replicated.appendInTerm(batch, precondition, coordinatorTerm).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException("the commit to " + log.topicPartition() + " failed", e.getCause());
        }
    }
}
