package dev.backbone.server.replication;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.MD5FileUtil;

/**
 * Writes a state machine's snapshot file durably (a temp file, fsynced, renamed) with its MD5 file, and makes it
 * the storage's latest snapshot, so that {@code reinitialize} and a restart both find it.
 *
 * <p>Thread safety: stateless.
 */
final class SnapshotFiles {

    /** Writes the snapshot's content to the stream it is given. */
    @FunctionalInterface
    interface Content {
        void writeTo(FileOutputStream out) throws IOException;
    }

    /** Runs snapshot installations, which copy for as long as a partition takes: never on a Ratis thread. */
    static final Executor INSTALLS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "backbone-snapshot-install");
        thread.setDaemon(true);
        return thread;
    });

    private SnapshotFiles() {
    }

    static void write(SimpleStateMachineStorage storage, TermIndex termIndex, Content content) throws IOException {
        Path file = storage.getSnapshotFile(termIndex.getTerm(), termIndex.getIndex()).toPath();
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileOutputStream stream = new FileOutputStream(temp.toFile())) {
            content.writeTo(stream);
            stream.getFD().sync();
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        FileInfo info = new FileInfo(file, MD5FileUtil.computeAndSaveMd5ForFile(file.toFile()));
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(info, termIndex));
    }

    /** The answer to a {@link SnapshotQueryDescriptor#KIND_LATEST_SNAPSHOT} query: the latest snapshot, if any. */
    static ByteString describeLatest(SimpleStateMachineStorage storage) throws IOException {
        SingleFileSnapshotInfo latest = storage.getLatestSnapshot();
        if (latest == null) {
            return SnapshotQueryDescriptor.noSnapshot();
        }
        return SnapshotQueryDescriptor.snapshot(latest.getTermIndex(), Files.readAllBytes(latest.getFile().getPath()));
    }

    /**
     * Asks {@code source} for its latest snapshot, which must cover every entry before {@code firstIndexInLog} (the
     * first entry the leader still holds), or the entries in between would be neither installed nor replayed.
     */
    static SnapshotQueryDescriptor.RemoteSnapshot fetchLatest(GroupQueries queries, RaftPeerId source,
                                                              TermIndex firstIndexInLog, String what)
            throws IOException {
        SnapshotQueryDescriptor.RemoteSnapshot snapshot = SnapshotQueryDescriptor.readSnapshot(
                queries.ask(source, SnapshotQueryDescriptor.latestSnapshot()));
        if (snapshot == null || snapshot.termIndex().getIndex() < firstIndexInLog.getIndex() - 1) {
            throw new IOException("member " + source + " of " + what + " has no snapshot up to index "
                    + (firstIndexInLog.getIndex() - 1) + " (its latest: " + (snapshot == null ? "none"
                    : snapshot.termIndex()) + "); the leader will be asked again");
        }
        return snapshot;
    }
}
