package dev.backbone.server.replication;

import dev.backbone.server.log.LogSlice;
import dev.backbone.server.log.OffsetOutOfRangeException;
import dev.backbone.server.log.PartitionLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * Answers the questions of a replica that rebuilds a partition from this replica's snapshot: the latest snapshot,
 * and the partition's batches as stored, read from the segment files ({@link SnapshotQueryDescriptor}).
 *
 * <p>Thread safety: stateless; reads run concurrently with appends, as every read of the log does.
 */
final class PartitionSnapshotSource {

    /** The most one answer carries; a replica asks again from where the answer ended. */
    static final int MAX_ANSWER_BYTES = 8 << 20;

    private PartitionSnapshotSource() {
    }

    static ByteString answer(ByteBuffer query, SimpleStateMachineStorage storage, PartitionLog log)
            throws IOException {
        byte kind = SnapshotQueryDescriptor.kind(query);
        if (kind == SnapshotQueryDescriptor.KIND_LATEST_SNAPSHOT) {
            return SnapshotFiles.describeLatest(storage);
        }
        if (kind != SnapshotQueryDescriptor.KIND_BATCHES) {
            throw new IOException("unknown snapshot query kind " + kind + " for " + log.topicPartition());
        }
        long offset = SnapshotQueryDescriptor.offset(query);
        int maxBytes = Math.max(1, Math.min(MAX_ANSWER_BYTES, SnapshotQueryDescriptor.maxBytes(query)));
        LogSlice slice;
        try {
            slice = log.read(offset, maxBytes);
        } catch (OffsetOutOfRangeException e) {
            return SnapshotQueryDescriptor.batchesAnswer(SnapshotQueryDescriptor.OUT_OF_RANGE, log.logStartOffset(),
                    log.logEndOffset(), ByteBuffer.allocate(SnapshotQueryDescriptor.BATCHES_HEADER_SIZE));
        }
        ByteBuffer answer = ByteBuffer.allocate(SnapshotQueryDescriptor.BATCHES_HEADER_SIZE + slice.sizeBytes());
        answer.position(SnapshotQueryDescriptor.BATCHES_HEADER_SIZE);
        try (FileChannel channel = slice.openChannel()) {
            while (answer.hasRemaining()) {
                int read = channel.read(answer, slice.position() + answer.position()
                        - SnapshotQueryDescriptor.BATCHES_HEADER_SIZE);
                if (read < 0) {
                    throw new IOException("segment " + slice.segmentFile() + " of " + log.topicPartition()
                            + " ended before position " + (slice.position() + slice.sizeBytes()));
                }
            }
        }
        return SnapshotQueryDescriptor.batchesAnswer(SnapshotQueryDescriptor.BATCHES, log.logStartOffset(),
                log.logEndOffset(), answer.flip());
    }
}
