package dev.backbone.server.replication;

import dev.backbone.server.log.AppendResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * The layout of a partition group's Raft entries and of the replies its state machine sends.
 *
 * <pre>
 * entry (the Raft log data of one append):
 *   0                   1                                       9                                      17
 *   +-------------------+---------------------------------------+---------------------------------------+
 *   | kind = 1 (append) | expected next offset (int64, -1 any)  | append time ms (int64, leader-stamped)|
 *   +-------------------+---------------------------------------+---------------------------------------+
 *   17                                      25
 *   +---------------------------------------+----------
 *   | leader term (int64, -1 any)           | v2 batches
 *   +---------------------------------------+----------
 *
 * reply:
 *   status 0 APPENDED: first offset (int64), last offset (int64), append time ms (int64), batch count (int32),
 *                      base offset of each batch (int64 each)
 *   status 1 MOVED:    the partition's next offset (int64); a conditional append found another one before it
 *   status 2 REFUSED:  reason (UTF-8); the batches were not valid for the partition's config at apply time
 *   status 3 FENCED:   the Raft term the entry was appended in (int64); it named another leader term
 * </pre>
 *
 * A leader term other than -1 says that the proposer checked the entry against state only valid while it leads the
 * group in that term (a group coordinator's membership): apply appends it only if the entry was appended to the
 * Raft log in that very term, so an entry proposed by a deposed leader and appended by its successor is refused.
 *
 * All integers big-endian. The batches are stored as the client's bytes; apply rewrites base offsets and the leader
 * epoch only.
 *
 * <p>Thread safety: stateless.
 */
public final class PartitionEntryDescriptor {

    public static final byte KIND_APPEND = 1;
    public static final int EXPECTED_OFFSET_OFFSET = 1;
    public static final int APPEND_TIME_OFFSET = 9;
    public static final int LEADER_TERM_OFFSET = 17;
    public static final int BATCHES_OFFSET = 25;
    /** {@link #EXPECTED_OFFSET_OFFSET} value of an unconditional append. */
    public static final long ANY_OFFSET = -1;
    /** {@link #LEADER_TERM_OFFSET} value of an append valid in any term. */
    public static final long ANY_TERM = -1;

    public static final byte APPENDED = 0;
    public static final byte MOVED = 1;
    public static final byte REFUSED = 2;
    public static final byte FENCED = 3;

    private PartitionEntryDescriptor() {
    }

    /** An append entry holding a copy of {@code batches} (position to limit; the buffer is left untouched). */
    public static ByteString append(long expectedNextOffset, long appendTimeMs, ByteBuffer batches) {
        return append(expectedNextOffset, appendTimeMs, ANY_TERM, batches);
    }

    /** An append entry valid only if appended to the Raft log in {@code leaderTerm} ({@link #ANY_TERM}: always). */
    public static ByteString append(long expectedNextOffset, long appendTimeMs, long leaderTerm, ByteBuffer batches) {
        ByteBuffer entry = ByteBuffer.allocate(BATCHES_OFFSET + batches.remaining());
        entry.put(KIND_APPEND).putLong(expectedNextOffset).putLong(appendTimeMs).putLong(leaderTerm)
                .put(batches.duplicate()).flip();
        return ByteString.copyFrom(entry);
    }

    /** Whether an entry appended to the Raft log in {@code raftTerm} may be applied: its leader term allows it. */
    public static boolean termAllows(ByteBuffer entry, long raftTerm) {
        long leaderTerm = entry.getLong(entry.position() + LEADER_TERM_OFFSET);
        return leaderTerm == ANY_TERM || leaderTerm == raftTerm;
    }

    /** A writable copy of an entry's batches (apply rewrites their base offsets and leader epochs in place). */
    public static ByteBuffer batches(ByteBuffer entry) {
        ByteBuffer batches = ByteBuffer.allocate(entry.remaining() - BATCHES_OFFSET);
        return batches.put(entry.duplicate().position(entry.position() + BATCHES_OFFSET)).flip();
    }

    public static Message appended(AppendResult result) {
        long[] bases = result.batchBaseOffsets();
        ByteBuffer reply = ByteBuffer.allocate(1 + 8 * 3 + 4 + 8 * bases.length);
        reply.put(APPENDED).putLong(result.firstOffset()).putLong(result.lastOffset())
                .putLong(result.logAppendTimeMs()).putInt(bases.length);
        for (long base : bases) {
            reply.putLong(base);
        }
        return Message.valueOf(ByteString.copyFrom(reply.flip()));
    }

    public static Message moved(long nextOffset) {
        return Message.valueOf(ByteString.copyFrom(ByteBuffer.allocate(9).put(MOVED).putLong(nextOffset).flip()));
    }

    public static Message fenced(long raftTerm) {
        return Message.valueOf(ByteString.copyFrom(ByteBuffer.allocate(9).put(FENCED).putLong(raftTerm).flip()));
    }

    public static Message refused(String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        return Message.valueOf(ByteString.copyFrom(ByteBuffer.allocate(1 + text.length).put(REFUSED).put(text)
                .flip()));
    }

    /** The append a reply with status {@link #APPENDED} reports. */
    public static AppendResult appendResult(ByteBuffer reply) {
        int p = reply.position() + 1;
        long[] bases = new long[reply.getInt(p + 24)];
        for (int i = 0; i < bases.length; i++) {
            bases[i] = reply.getLong(p + 28 + 8 * i);
        }
        return new AppendResult(reply.getLong(p), reply.getLong(p + 8), bases, reply.getLong(p + 16));
    }

    public static String refusedReason(ByteBuffer reply) {
        ByteBuffer text = reply.duplicate();
        text.position(reply.position() + 1);
        return StandardCharsets.UTF_8.decode(text).toString();
    }
}
