package dev.backbone.server.replication;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.SnapshotManagementRequest;
import org.apache.ratis.server.RaftServer;

/**
 * Asks Ratis for a snapshot of a group once its entries since the last snapshot reach a number of bytes. Ratis's
 * own trigger counts entries only, and an entry holds anything from one record to a few megabytes, so the Raft log
 * kept since the last snapshot (all of it is kept until a snapshot lets Ratis purge it) would be bounded by neither.
 *
 * <p>Thread safety: {@link #add} and {@link #reset} on the group's apply thread only; a request's completion may
 * come on another thread.
 */
final class SnapshotTrigger {

    private static final System.Logger LOG = System.getLogger(SnapshotTrigger.class.getName());
    private static final long REQUEST_TIMEOUT_MS = 60_000;

    private final long intervalBytes;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private final AtomicBoolean requested = new AtomicBoolean();
    private long bytesSinceSnapshot;

    SnapshotTrigger(long intervalBytes) {
        if (intervalBytes < 1) {
            throw new IllegalArgumentException("the snapshot interval must be at least 1 byte, was " + intervalBytes);
        }
        this.intervalBytes = intervalBytes;
    }

    /** Counts an applied entry; true when a snapshot is due and none is requested yet. */
    boolean add(long entryBytes) {
        bytesSinceSnapshot += entryBytes;
        return bytesSinceSnapshot >= intervalBytes && !requested.get();
    }

    /** A snapshot was taken or loaded. */
    void reset() {
        bytesSinceSnapshot = 0;
    }

    /** Asks the group's member on this server to take a snapshot soon (after the entry being applied). */
    void request(RaftServer server, RaftGroupId group, Object what) {
        if (server == null || !requested.compareAndSet(false, true)) {
            return;
        }
        SnapshotManagementRequest request = SnapshotManagementRequest.newCreate(clientId, server.getId(), group,
                callIds.incrementAndGet(), REQUEST_TIMEOUT_MS, 1);
        server.snapshotManagementAsync(request).whenComplete((reply, failure) -> {
            requested.set(false);
            if (failure != null || !reply.isSuccess()) {
                LOG.log(Level.WARNING, "a snapshot of " + what + " after " + intervalBytes + " bytes of entries was"
                        + " not taken; the next entry asks again", failure != null ? failure : reply.getException());
            }
        });
    }
}
