package dev.backbone.server.replication;

import dev.backbone.server.log.AppendRequestId;
import dev.backbone.server.log.AppendResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

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
 *   kind = 2 (append once per request): the same, with the request id between the leader term and the batches:
 *   key length (uint16), key (UTF-8), digest length (uint8), digest
 *
 * reply:
 *   status 0 APPENDED:   first offset (int64), last offset (int64), append time ms (int64), batch count (int32),
 *                        base offset of each batch (int64 each)
 *   status 1 MOVED:      the partition's next offset (int64); a conditional append found another one before it
 *   status 2 REFUSED:    reason (UTF-8); the batches' bytes are not valid batches
 *   status 3 DUPLICATE:  as APPENDED, what the request's first append stored; nothing was appended
 *   status 4 KEY_REUSED: nothing was appended: the request's key came before with another digest
 *   status 5 FENCED:     the Raft term the entry was appended in (int64); it named another leader term
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
    public static final byte KIND_APPEND_ONCE = 2;
    public static final int EXPECTED_OFFSET_OFFSET = 1;
    public static final int APPEND_TIME_OFFSET = 9;
    public static final int LEADER_TERM_OFFSET = 17;
    public static final int BATCHES_OFFSET = 25;
    /** {@link #EXPECTED_OFFSET_OFFSET} value of an unconditional append. */
    public static final long ANY_OFFSET = -1;

    public static final byte APPENDED = 0;
    public static final byte MOVED = 1;
    public static final byte REFUSED = 2;
    public static final byte DUPLICATE = 3;
    public static final byte KEY_REUSED = 4;
    public static final byte FENCED = 5;
    /** {@link #LEADER_TERM_OFFSET} value of an append valid in any term. */
    public static final long ANY_TERM = -1;

    private PartitionEntryDescriptor() {
    }

    /**
     * An append entry holding a copy of {@code batches} (position to limit; the buffer is left untouched). The entry
     * wraps the buffer it was built in, which nothing else references, rather than copying it once more.
     */
    public static ByteString append(long expectedNextOffset, long appendTimeMs, ByteBuffer batches) {
        return append(expectedNextOffset, appendTimeMs, ANY_TERM, batches);
    }

    /** An append entry valid only if appended to the Raft log in {@code leaderTerm} ({@link #ANY_TERM}: always). */
    public static ByteString append(long expectedNextOffset, long appendTimeMs, long leaderTerm, ByteBuffer batches) {
        ByteBuffer entry = ByteBuffer.allocate(BATCHES_OFFSET + batches.remaining());
        entry.put(KIND_APPEND).putLong(expectedNextOffset).putLong(appendTimeMs).putLong(leaderTerm)
                .put(batches.duplicate()).flip();
        return UnsafeByteOperations.unsafeWrap(entry);
    }

    /** Whether an entry appended to the Raft log in {@code raftTerm} may be applied: its leader term allows it. */
    public static boolean termAllows(ByteBuffer entry, long raftTerm) {
        long leaderTerm = entry.getLong(entry.position() + LEADER_TERM_OFFSET);
        return leaderTerm == ANY_TERM || leaderTerm == raftTerm;
    }

    /** An append entry that the partition applies once per {@code requestId}, however often it is proposed. */
    public static ByteString append(long expectedNextOffset, long appendTimeMs, AppendRequestId requestId,
                                    ByteBuffer batches) {
        byte[] key = requestId.key().getBytes(StandardCharsets.UTF_8);
        byte[] digest = requestId.digest();
        if (digest.length > 255) {
            throw new IllegalArgumentException("a request digest has at most 255 bytes, not " + digest.length);
        }
        ByteBuffer entry = ByteBuffer.allocate(BATCHES_OFFSET + 3 + key.length + digest.length + batches.remaining());
        entry.put(KIND_APPEND_ONCE).putLong(expectedNextOffset).putLong(appendTimeMs).putLong(ANY_TERM)
                .putShort((short) key.length).put(key).put((byte) digest.length).put(digest)
                .put(batches.duplicate()).flip();
        return UnsafeByteOperations.unsafeWrap(entry);
    }

    /** The request an entry is applied once for, or null for an entry of kind {@link #KIND_APPEND}. */
    public static AppendRequestId requestId(ByteBuffer entry) {
        if (entry.get(entry.position()) != KIND_APPEND_ONCE) {
            return null;
        }
        int p = entry.position() + BATCHES_OFFSET;
        byte[] key = new byte[Short.toUnsignedInt(entry.getShort(p))];
        entry.get(p + 2, key);
        byte[] digest = new byte[Byte.toUnsignedInt(entry.get(p + 2 + key.length))];
        entry.get(p + 3 + key.length, digest);
        return new AppendRequestId(new String(key, StandardCharsets.UTF_8), digest);
    }

    /** A writable copy of an entry's batches (apply rewrites their base offsets and leader epochs in place). */
    public static ByteBuffer batches(ByteBuffer entry) {
        int start = entry.position() + BATCHES_OFFSET;
        if (entry.get(entry.position()) == KIND_APPEND_ONCE) {
            int keyLength = Short.toUnsignedInt(entry.getShort(start));
            start += 3 + keyLength + Byte.toUnsignedInt(entry.get(start + 2 + keyLength));
        }
        ByteBuffer batches = ByteBuffer.allocate(entry.limit() - start);
        return batches.put(entry.duplicate().position(start)).flip();
    }

    public static Message appended(AppendResult result) {
        return withResult(APPENDED, result);
    }

    /** The reply to a repeated request: {@code original} is what its first append stored. */
    public static Message duplicate(AppendResult original) {
        return withResult(DUPLICATE, original);
    }

    public static Message fenced(long raftTerm) {
        return Message.valueOf(ByteString.copyFrom(ByteBuffer.allocate(9).put(FENCED).putLong(raftTerm).flip()));
    }

    public static Message keyReused() {
        return Message.valueOf(ByteString.copyFrom(new byte[] {KEY_REUSED}));
    }

    private static Message withResult(byte status, AppendResult result) {
        long[] bases = result.batchBaseOffsets();
        ByteBuffer reply = ByteBuffer.allocate(1 + 8 * 3 + 4 + 8 * bases.length);
        reply.put(status).putLong(result.firstOffset()).putLong(result.lastOffset())
                .putLong(result.logAppendTimeMs()).putInt(bases.length);
        for (long base : bases) {
            reply.putLong(base);
        }
        return Message.valueOf(ByteString.copyFrom(reply.flip()));
    }

    public static Message moved(long nextOffset) {
        return Message.valueOf(ByteString.copyFrom(ByteBuffer.allocate(9).put(MOVED).putLong(nextOffset).flip()));
    }

    public static Message refused(String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        return Message.valueOf(ByteString.copyFrom(ByteBuffer.allocate(1 + text.length).put(REFUSED).put(text)
                .flip()));
    }

    /** The append a reply with status {@link #APPENDED} or {@link #DUPLICATE} reports. */
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
