package dev.backbone.server.replication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;

/**
 * Runs a state machine's installation of its leader's snapshot and hands the result to Ratis in a way that cannot
 * leave the member waiting for ever.
 *
 * <p>Ratis (3.3.0) reloads an installed snapshot only when the leader notifies the member once more after the
 * installation completed. While it runs, the member refuses the leader's appends with "send from the end of my Raft
 * log", and the leader notifies again only while that end is before its own first entry (or at it, without the
 * entry before). A member whose Raft log reaches further is never notified again: typically a deposed leader whose
 * uncommitted entries sit where the new leader's term starts, the new leader having purged everything before. It
 * would keep its stale state until the leader changes (seen in the Jepsen test after a {@code kill -9} of a leader).
 *
 * <p>So when the member's Raft log reaches the leader's first entry, a completed installation (the batches copied
 * and fsynced) is reported to Ratis as failed ({@link InstalledAwaitingNotification}), which ends the refusals, and
 * the snapshot is kept in memory, not yet recorded: Ratis takes a member's recorded snapshot for where its log
 * continues, and would ask the leader for entries after it that this member's Raft log cannot take. The member then
 * answers the leader's next append "entry not found", down to the leader's first index, where the leader notifies
 * again; this time the snapshot is recorded and handed over within the notification itself (a completed future), so
 * Ratis reloads it before it answers, and no refusal window opens. Should the broker stop in between, the copied
 * batches are kept and the next installation finds nothing more to copy.
 *
 * <p>Thread safety: thread-safe; Ratis sends one notification at a time per member, installations run on
 * {@link SnapshotFiles#INSTALLS}.
 */
final class SnapshotInstallHandoff {

    /** Brings this member's state up to the leader's latest snapshot, which it returns, without recording it. */
    @FunctionalInterface
    interface Installation {
        SnapshotQueryDescriptor.RemoteSnapshot run() throws IOException;
    }

    /** Not a failure: the snapshot is installed, and Ratis reloads it at the next notification. */
    static final class InstalledAwaitingNotification extends RuntimeException {

        InstalledAwaitingNotification(String what, TermIndex installed, long localNextIndex,
                                      TermIndex firstInLeaderLog) {
            super("installed the leader's snapshot " + installed + " of " + what + "; not a failure: this member's"
                    + " Raft log reaches index " + (localNextIndex - 1) + ", at or past the leader's first entry "
                    + firstInLeaderLog + ", so the leader would not notify it again, and Ratis reloads the snapshot"
                    + " only at a notification. Reported as failed so that the leader notifies once more.", null,
                    false, false);
        }
    }

    private final String what;
    private final SimpleStateMachineStorage storage;
    private final AtomicReference<SnapshotQueryDescriptor.RemoteSnapshot> awaitingNotification =
            new AtomicReference<>();

    /**
     * @param what    names the group in messages ("the group of orders-0")
     * @param storage where the state machine's snapshots are recorded
     */
    SnapshotInstallHandoff(String what, SimpleStateMachineStorage storage) {
        this.what = what;
        this.storage = storage;
    }

    /**
     * Answers a notification to install the leader's snapshot.
     *
     * @param firstInLeaderLog the first entry the leader still holds
     * @param localNextIndex   the index after the last entry of this member's Raft log
     * @param installation     the installation to run when none awaits this notification
     */
    CompletableFuture<TermIndex> onNotification(TermIndex firstInLeaderLog, long localNextIndex,
                                                Installation installation) {
        SnapshotQueryDescriptor.RemoteSnapshot installed = awaitingNotification.getAndSet(null);
        SingleFileSnapshotInfo latest = storage.getLatestSnapshot();
        if (installed != null && installed.termIndex().getIndex() >= firstInLeaderLog.getIndex() - 1
                && (latest == null || latest.getIndex() < installed.termIndex().getIndex())) {
            try {
                record(installed);
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
            return CompletableFuture.completedFuture(installed.termIndex());
        }
        boolean notifiedAgainOnlyIfReported = localNextIndex >= firstInLeaderLog.getIndex();
        return CompletableFuture.supplyAsync(() -> {
            try {
                SnapshotQueryDescriptor.RemoteSnapshot snapshot = installation.run();
                if (notifiedAgainOnlyIfReported) {
                    awaitingNotification.set(snapshot);
                    throw new InstalledAwaitingNotification(what, snapshot.termIndex(), localNextIndex,
                            firstInLeaderLog);
                }
                record(snapshot);
                return snapshot.termIndex();
            } catch (IOException e) {
                throw new UncheckedIOException("installing the snapshot of " + what + " failed", e);
            }
        }, SnapshotFiles.INSTALLS);
    }

    /** Ratis reloaded the state machine from its latest snapshot: an installation kept in memory is stale. */
    void reloaded() {
        awaitingNotification.set(null);
    }

    private void record(SnapshotQueryDescriptor.RemoteSnapshot snapshot) throws IOException {
        SnapshotFiles.write(storage, snapshot.termIndex(), out -> out.write(snapshot.content()));
    }
}
