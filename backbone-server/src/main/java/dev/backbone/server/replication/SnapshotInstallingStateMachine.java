package dev.backbone.server.replication;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.util.LifeCycle;

/**
 * What the metadata group's and the partition groups' state machines share: their state is the latest single-file
 * snapshot plus the entries applied after it, and a member that lacks entries the leader purged rebuilds its state
 * from the leader's latest snapshot instead of replaying them.
 *
 * <p>Ratis asks for such an installation with {@link #notifyInstallSnapshotFromLeader}; this class finds the leader
 * and this member's Raft log, has the subclass {@link #install} the leader's snapshot, and hands the result to
 * Ratis through a {@link SnapshotInstallHandoff} (so that Ratis always reloads it). Ratis then pauses the state
 * machine and {@link #reinitialize}s it, which loads the latest snapshot ({@link #loadLatestSnapshot}).
 *
 * <p>Thread safety: as Ratis uses a state machine: apply and snapshot on one thread per group, installations on
 * {@link SnapshotFiles#INSTALLS}, queries on the Raft server's threads.
 */
abstract class SnapshotInstallingStateMachine extends BaseStateMachine {

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final String what;
    private final SnapshotInstallHandoff handoff;

    /** @param what names the group in messages ("the metadata group", "the group of orders-0") */
    SnapshotInstallingStateMachine(String what) {
        this.what = what;
        this.handoff = new SnapshotInstallHandoff(what, storage);
    }

    /** Names the group in messages ("the metadata group", "the group of orders-0"). */
    final String what() {
        return what;
    }

    /**
     * Replaces this state machine's state with the latest recorded snapshot's (whatever was applied before, so the
     * applied index is set, not advanced); nothing when there is no snapshot.
     */
    abstract void loadLatestSnapshot() throws IOException;

    /**
     * Brings this member's state up to the leader's latest snapshot, which must cover every entry before
     * {@code firstTermIndexInLog}, and returns that snapshot without recording it.
     *
     * @param group the group, for {@link GroupQueries} to the leader
     */
    abstract SnapshotQueryDescriptor.RemoteSnapshot install(RaftPeerId leader, RaftGroup group,
                                                            TermIndex firstTermIndexInLog) throws IOException;

    @Override
    public final SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    /** Ratis pauses the state machine before it reloads it from an installed snapshot, and checks that it did. */
    @Override
    public final void pause() {
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    /** Loads the latest snapshot: after one was installed from the leader, and wherever a subclass starts from it. */
    @Override
    public final void reinitialize() throws IOException {
        getLifeCycle().startAndTransition(this::loadLatestSnapshot, IOException.class);
        handoff.reloaded();
    }

    /**
     * This member lacks entries the leader purged: {@link #install}s the leader's latest snapshot as its own; Ratis
     * then loads it ({@link #reinitialize}) and resumes replication after its index (how the result reaches Ratis so
     * that it always does: {@link SnapshotInstallHandoff}). A failure fails the future; the leader notifies again.
     */
    @Override
    public final CompletableFuture<TermIndex> notifyInstallSnapshotFromLeader(RaftProtos.RoleInfoProto roleInfo,
                                                                              TermIndex firstTermIndexInLog) {
        RaftPeerId leader = RaftPeerId.valueOf(roleInfo.getFollowerInfo().getLeaderInfo().getId().getId());
        RaftServer.Division division;
        try {
            division = getServer().join().getDivision(getGroupId());
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return handoff.onNotification(firstTermIndexInLog, division.getRaftLog().getNextIndex(),
                () -> install(leader, division.getGroup(), firstTermIndexInLog));
    }
}
