package dev.backbone.server.replication;

import java.nio.ByteBuffer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * The layout of the read-only questions a replica asks another member of its Raft group when it rebuilds its state
 * from that member's snapshot (the leader purged the entries it lacks), and of their answers. They travel as Ratis
 * read-only requests over the Raft port, answered by the state machine without a round of Raft.
 *
 * <pre>
 * query:
 *   kind = 1 (latest snapshot)
 *   kind = 2 (batches) | offset (int64) | max bytes (int32)
 *
 * answer to 1:
 *   found (int8: 0 none, 1 found) | term (int64) | index (int64) | the snapshot file's bytes (the rest)
 * answer to 2:
 *   status (int8: 0 batches, 1 out of range) | log start offset (int64) | log end offset (int64) | batches (the rest)
 *   batches: whole v2 batches as stored, from the one holding the offset, from one segment, at least one unless the
 *   offset is the log's end; none when out of range
 * </pre>
 *
 * All integers big-endian.
 *
 * <p>Thread safety: stateless.
 */
final class SnapshotQueryDescriptor {

    static final byte KIND_LATEST_SNAPSHOT = 1;
    static final byte KIND_BATCHES = 2;
    static final byte BATCHES = 0;
    static final byte OUT_OF_RANGE = 1;
    static final int BATCHES_HEADER_SIZE = 17;

    /** A snapshot as another member described it: where it stands and its file's bytes. */
    record RemoteSnapshot(TermIndex termIndex, byte[] content) {
    }

    /** Batches as another member answered: its log's range and the batches, empty when out of range. */
    record RemoteBatches(boolean inRange, long logStartOffset, long logEndOffset, ByteBuffer batches) {
    }

    private SnapshotQueryDescriptor() {
    }

    static ByteString latestSnapshot() {
        return ByteString.copyFrom(new byte[] {KIND_LATEST_SNAPSHOT});
    }

    static ByteString batches(long offset, int maxBytes) {
        return UnsafeByteOperations.unsafeWrap(ByteBuffer.allocate(13).put(KIND_BATCHES).putLong(offset)
                .putInt(maxBytes).flip());
    }

    static byte kind(ByteBuffer query) {
        return query.get(query.position());
    }

    static long offset(ByteBuffer query) {
        return query.getLong(query.position() + 1);
    }

    static int maxBytes(ByteBuffer query) {
        return query.getInt(query.position() + 9);
    }

    static ByteString noSnapshot() {
        return ByteString.copyFrom(new byte[] {0});
    }

    static ByteString snapshot(TermIndex termIndex, byte[] content) {
        ByteBuffer header = ByteBuffer.allocate(17).put((byte) 1).putLong(termIndex.getTerm())
                .putLong(termIndex.getIndex()).flip();
        return UnsafeByteOperations.unsafeWrap(header).concat(UnsafeByteOperations.unsafeWrap(content));
    }

    /** The snapshot an answer describes, or null when the member has none. */
    static RemoteSnapshot readSnapshot(ByteBuffer answer) {
        ByteBuffer in = answer.duplicate();
        if (in.get() == 0) {
            return null;
        }
        TermIndex termIndex = TermIndex.valueOf(in.getLong(), in.getLong());
        byte[] content = new byte[in.remaining()];
        in.get(content);
        return new RemoteSnapshot(termIndex, content);
    }

    /** An answer to a batches query; {@code batches} must have {@link #BATCHES_HEADER_SIZE} bytes free in front. */
    static ByteString batchesAnswer(byte status, long logStartOffset, long logEndOffset, ByteBuffer batches) {
        batches.put(0, status).putLong(1, logStartOffset).putLong(9, logEndOffset);
        return UnsafeByteOperations.unsafeWrap(batches);
    }

    static RemoteBatches readBatches(ByteBuffer answer) {
        ByteBuffer in = answer.duplicate();
        boolean inRange = in.get() == BATCHES;
        long start = in.getLong();
        long end = in.getLong();
        return new RemoteBatches(inRange, start, end, in.slice());
    }
}
