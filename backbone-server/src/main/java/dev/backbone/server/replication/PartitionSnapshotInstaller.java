package dev.backbone.server.replication;

import dev.backbone.client.batch.RecordBatchDescriptor;
import dev.backbone.server.log.CopiedBatchesMismatchException;
import dev.backbone.server.log.LogSlice;
import dev.backbone.server.log.PartitionLog;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * Rebuilds this replica's partition log up to another member's snapshot, for a replica that lacks Raft entries the
 * leader purged: copies the batches it lacks, as they are stored there (offsets and partition leader epochs
 * included), from its own end to the snapshot's end offset, and fsyncs them. Batches are asked for a few megabytes
 * at a time, so a partition of any size is streamed, never held whole.
 *
 * <p>What this replica holds already must be a prefix of the source's log: the batch holding its last offset is
 * compared, byte for byte, with the source's before anything is copied. Should this replica's apply append the
 * entries it still holds while the copy runs, the copy goes on from the new end (both hold the same committed
 * batches). Should the source's log start after this replica's end (retention deleted records it lacks), nothing
 * is copied and the installation fails: the partition log cannot have a gap.
 *
 * <p>Thread safety: one installation at a time per partition (Ratis sends one notification at a time).
 */
final class PartitionSnapshotInstaller {

    private static final System.Logger LOG = System.getLogger(PartitionSnapshotInstaller.class.getName());
    private static final int CHUNK_BYTES = 4 << 20;
    /** Appends found behind a racing local apply, each answered by asking again from the new end. */
    private static final int MAX_RACES = 100;

    private final GroupQueries queries;
    private final RaftPeerId source;
    private final PartitionLog log;

    PartitionSnapshotInstaller(GroupQueries queries, RaftPeerId source, PartitionLog log) {
        this.queries = queries;
        this.source = source;
        this.log = log;
    }

    /** Copies what this replica lacks up to {@code snapshotEndOffset} and fsyncs; returns the bytes copied. */
    long copyUpTo(long snapshotEndOffset) throws IOException {
        long localEnd = log.logEndOffset();
        if (localEnd > 0) {
            checkPrefix(Math.min(localEnd, snapshotEndOffset) - 1);
        }
        long copied = 0;
        int races = 0;
        while (log.logEndOffset() < snapshotEndOffset) {
            long offset = log.logEndOffset();
            SnapshotQueryDescriptor.RemoteBatches answer = ask(offset);
            ByteBuffer batches = upTo(answer.batches(), snapshotEndOffset);
            if (!batches.hasRemaining()) {
                throw new IOException("member " + source + " answered no batch of " + log.topicPartition()
                        + " at offset " + offset + ", below its snapshot's end offset " + snapshotEndOffset);
            }
            int bytes = batches.remaining();
            try {
                log.appendCopied(batches);
                copied += bytes;
            } catch (CopiedBatchesMismatchException e) {
                if (e.batchBaseOffset() >= e.expectedOffset() || ++races > MAX_RACES) {
                    throw e;
                }
            }
        }
        log.flush();
        LOG.log(Level.INFO, "copied {0} bytes of {1} from {2} up to offset {3}", copied, log.topicPartition(),
                source, snapshotEndOffset);
        return copied;
    }

    private SnapshotQueryDescriptor.RemoteBatches ask(long offset) throws IOException {
        SnapshotQueryDescriptor.RemoteBatches answer = SnapshotQueryDescriptor.readBatches(
                queries.ask(source, SnapshotQueryDescriptor.batches(offset, CHUNK_BYTES)));
        if (!answer.inRange()) {
            throw new IOException("member " + source + " holds " + log.topicPartition() + " from offset "
                    + answer.logStartOffset() + " to " + answer.logEndOffset() + ", not offset " + offset
                    + " where this replica's log ends: retention deleted records this replica lacks, so its log"
                    + " cannot be rebuilt by copying");
        }
        return answer;
    }

    /** The whole batches of {@code batches} whose base offset is below {@code endOffset}. */
    private static ByteBuffer upTo(ByteBuffer batches, long endOffset) {
        int position = batches.position();
        while (batches.limit() - position >= RecordBatchDescriptor.HEADER_SIZE
                && batches.getLong(position + RecordBatchDescriptor.BASE_OFFSET_OFFSET) < endOffset) {
            position += RecordBatchDescriptor.LOG_OVERHEAD
                    + batches.getInt(position + RecordBatchDescriptor.BATCH_LENGTH_OFFSET);
        }
        return batches.duplicate().limit(Math.min(position, batches.limit()));
    }

    /** The batch holding {@code offset} must be the same bytes here and on the source. */
    private void checkPrefix(long offset) throws IOException {
        ByteBuffer local = firstBatch(readLocal(offset));
        ByteBuffer remote = firstBatch(ask(offset).batches());
        if (!local.equals(remote)) {
            throw new IOException("the batch holding offset " + offset + " of " + log.topicPartition() + " differs"
                    + " between this replica and member " + source + ": this replica's log is not a prefix of the"
                    + " source's, nothing was copied");
        }
    }

    private ByteBuffer readLocal(long offset) throws IOException {
        LogSlice slice = log.read(offset, 1);
        ByteBuffer bytes = ByteBuffer.allocate(slice.sizeBytes());
        try (FileChannel channel = slice.openChannel()) {
            while (bytes.hasRemaining() && channel.read(bytes, slice.position() + bytes.position()) >= 0) {
                continue;
            }
        }
        return bytes.flip();
    }

    private static ByteBuffer firstBatch(ByteBuffer batches) {
        if (batches.remaining() < RecordBatchDescriptor.LOG_OVERHEAD) {
            return batches;
        }
        int size = RecordBatchDescriptor.LOG_OVERHEAD
                + batches.getInt(batches.position() + RecordBatchDescriptor.BATCH_LENGTH_OFFSET);
        return batches.duplicate().limit(batches.position() + Math.min(size, batches.remaining()));
    }
}
