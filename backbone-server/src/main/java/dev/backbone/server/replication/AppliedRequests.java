package dev.backbone.server.replication;

import dev.backbone.server.log.AppendRequestId;
import dev.backbone.server.log.AppendResult;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The requests one partition appended once-per-request entries for, with what each first append stored, so that
 * apply answers a repeat of a request with that instead of appending again. A request is remembered for
 * {@code window} of append time after its first append (the leader-stamped time of the entries, never a clock
 * here) and at most {@code maxKeys} are kept, the oldest forgotten first. Everything follows from the entries
 * applied, so every replica holds the same table after the same entry; it is saved with the partition's snapshot
 * because a restart replays only the entries after it.
 *
 * <p>Thread safety: not thread-safe; used on the partition group's apply thread only.
 */
final class AppliedRequests {

    /** What a request's first append stored. */
    record Applied(byte[] digest, AppendResult result) {
    }

    private final long windowMs;
    private final int maxKeys;
    private final LinkedHashMap<String, Applied> byKey = new LinkedHashMap<>();

    AppliedRequests(Duration window, int maxKeys) {
        if (window.isNegative() || window.isZero() || maxKeys < 1) {
            throw new IllegalArgumentException("the request window and key count must be positive, were " + window
                    + " and " + maxKeys);
        }
        this.windowMs = window.toMillis();
        this.maxKeys = maxKeys;
    }

    /** What an earlier entry of {@code request}'s key stored, if the window still holds it at {@code nowMs}. */
    Applied find(AppendRequestId request, long nowMs) {
        expire(nowMs);
        return byKey.get(request.key());
    }

    static boolean sameRequest(Applied applied, AppendRequestId request) {
        return Arrays.equals(applied.digest(), request.digest());
    }

    void add(AppendRequestId request, AppendResult result) {
        byKey.put(request.key(), new Applied(request.digest(), result));
        if (byKey.size() > maxKeys) {
            Iterator<String> eldest = byKey.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    int size() {
        return byKey.size();
    }

    private void expire(long nowMs) {
        Iterator<Map.Entry<String, Applied>> entries = byKey.entrySet().iterator();
        while (entries.hasNext() && entries.next().getValue().result().logAppendTimeMs() < nowMs - windowMs) {
            entries.remove();
        }
    }

    void writeTo(DataOutputStream out) throws IOException {
        out.writeInt(byKey.size());
        for (Map.Entry<String, Applied> entry : byKey.entrySet()) {
            out.writeUTF(entry.getKey());
            byte[] digest = entry.getValue().digest();
            out.writeByte(digest.length);
            out.write(digest);
            AppendResult result = entry.getValue().result();
            out.writeLong(result.firstOffset());
            out.writeLong(result.lastOffset());
            out.writeLong(result.logAppendTimeMs());
            out.writeInt(result.batchBaseOffsets().length);
            for (long base : result.batchBaseOffsets()) {
                out.writeLong(base);
            }
        }
    }

    /** Replaces the table with the one {@link #writeTo} wrote. */
    void readFrom(DataInputStream in) throws IOException {
        byKey.clear();
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
            String key = in.readUTF();
            byte[] digest = new byte[in.readUnsignedByte()];
            in.readFully(digest);
            long first = in.readLong();
            long last = in.readLong();
            long time = in.readLong();
            long[] bases = new long[in.readInt()];
            for (int b = 0; b < bases.length; b++) {
                bases[b] = in.readLong();
            }
            byKey.put(key, new Applied(digest, new AppendResult(first, last, bases, time)));
        }
    }

    void clear() {
        byKey.clear();
    }
}
