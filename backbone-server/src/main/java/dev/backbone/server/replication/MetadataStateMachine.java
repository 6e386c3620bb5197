package dev.backbone.server.replication;

import dev.backbone.server.log.io.DurableFiles;
import dev.backbone.server.log.io.StorageFiles;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;

/**
 * The state machine of the metadata group: applies committed {@link TopicChange}s to this broker's topics through
 * a {@link TopicChangeApplier}, which also starts and stops the partition groups this broker replicates.
 *
 * <p>The topics themselves are kept by the broker's topic registry, which is durable on its own; this class keeps
 * one more file, the index of the last change applied, written durably after each change, so that the changes Ratis
 * applies again after a restart (those after the last snapshot) are skipped rather than repeated: a creation,
 * deletion and new creation of one name must not replay over the live topic. A snapshot holds every replicated
 * topic (name, partitions, overrides); loading one (a follower too far behind) makes the registry match it.
 *
 * <p>Reply: one byte, 0 when the change was made, 1 when it changed nothing (the name was taken, or unknown).
 *
 * <p>Thread safety: Ratis calls apply and snapshot on one thread.
 */
public final class MetadataStateMachine extends SnapshotInstallingStateMachine {

    public static final byte CHANGED = 0;
    public static final byte UNCHANGED = 1;

    private final TopicChangeApplier applier;
    private final Path appliedIndexFile;
    private final DurableFiles durableFiles = new DurableFiles(StorageFiles.real());
    private long durablyApplied = -1;

    public MetadataStateMachine(TopicChangeApplier applier, Path appliedIndexFile) {
        super("the metadata group");
        this.applier = applier;
        this.appliedIndexFile = appliedIndexFile;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        getStateMachineStorage().init(raftStorage);
        if (Files.exists(appliedIndexFile)) {
            durablyApplied = ByteBuffer.wrap(Files.readAllBytes(appliedIndexFile)).getLong();
        }
        SingleFileSnapshotInfo snapshot = getStateMachineStorage().getLatestSnapshot();
        if (snapshot != null) {
            updateLastAppliedTermIndex(snapshot.getTermIndex());
        }
        getLifeCycle().transition(LifeCycle.State.STARTING);
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    /** Loads a snapshot installed from the leader: this broker was too far behind to replay the changes. */
    @Override
    void loadLatestSnapshot() throws IOException {
        SingleFileSnapshotInfo snapshot = getStateMachineStorage().getLatestSnapshot();
        if (snapshot == null) {
            return;
        }
        List<TopicChange> topics = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(Files.newInputStream(snapshot.getFile().getPath()))) {
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                byte[] change = new byte[in.readInt()];
                in.readFully(change);
                topics.add(TopicChange.decode(ByteString.copyFrom(change)));
            }
        }
        applier.restore(topics);
        markApplied(snapshot.getIndex());
        setLastAppliedTermIndex(snapshot.getTermIndex());
    }

    /**
     * This broker lacks metadata changes the leader purged: the leader's latest snapshot (every replicated topic)
     * is all there is to take; loading it makes the topics match.
     */
    @Override
    SnapshotQueryDescriptor.RemoteSnapshot install(RaftPeerId leader, RaftGroup group, TermIndex firstTermIndexInLog)
            throws IOException {
        try (GroupQueries queries = new GroupQueries(group)) {
            return SnapshotFiles.fetchLatest(queries, leader, firstTermIndexInLog, what());
        }
    }

    /** Answers another broker that installs this one's latest snapshot ({@link SnapshotQueryDescriptor}). */
    @Override
    public CompletableFuture<Message> query(Message request) {
        try {
            byte kind = SnapshotQueryDescriptor.kind(request.getContent().asReadOnlyByteBuffer());
            if (kind != SnapshotQueryDescriptor.KIND_LATEST_SNAPSHOT) {
                throw new IOException("unknown metadata query kind " + kind);
            }
            return CompletableFuture.completedFuture(
                    Message.valueOf(SnapshotFiles.describeLatest(getStateMachineStorage())));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        TermIndex termIndex = TermIndex.valueOf(entry);
        try {
            boolean changed = false;
            if (termIndex.getIndex() > durablyApplied) {
                changed = applier.apply(TopicChange.decode(entry.getStateMachineLogEntry().getLogData()));
                markApplied(termIndex.getIndex());
            }
            byte status = changed ? CHANGED : UNCHANGED;
            return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(new byte[] {status})));
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            updateLastAppliedTermIndex(termIndex);
        }
    }

    private void markApplied(long index) throws IOException {
        durableFiles.replace(appliedIndexFile, ByteBuffer.allocate(8).putLong(index).array());
        durablyApplied = index;
    }

    @Override
    public long takeSnapshot() throws IOException {
        TermIndex applied = getLastAppliedTermIndex();
        if (applied == null || applied.getIndex() < 0) {
            return -1;
        }
        List<TopicChange> topics = applier.snapshot();
        try {
            SnapshotFiles.write(getStateMachineStorage(), applied, stream -> {
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(stream));
                out.writeInt(topics.size());
                for (TopicChange topic : topics) {
                    byte[] bytes = topic.encode().toByteArray();
                    out.writeInt(bytes.length);
                    out.write(bytes);
                }
                out.flush();
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return applied.getIndex();
    }
}
