package dev.backbone.server.replication;

import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;
import org.apache.ratis.server.protocol.TermIndex;

/**
 * Ratis's gRPC transport, as Ratis ships it, except for one decision of a leader: whether to notify a follower to
 * install a snapshot.
 *
 * <p>Ratis 3.3.0 notifies a follower whose next index is the leader's first one when the leader holds neither the
 * entry before nor a snapshot ending exactly there. But a follower whose own snapshot ends exactly there answers
 * "already installed", the leader sets its next index to that same first index, and notifies again, for ever (fixed
 * after 3.3.0 as RATIS-2500). It happens to a broker stopped while it led a partition: it takes a snapshot at its
 * last committed entry as it stops, and its successor's term, whose first entry follows that one, starts a new
 * segment of the Raft log, which is all the successor keeps once it has purged after its own first snapshot. The
 * restarted broker's replica would not replicate again until the leader changes. Here the leader does what Ratis
 * intends in that case: it sends its entries from its first index without the entry before, which the follower's
 * snapshot covers.
 *
 * <p>Ratis finds this class by name ({@code raft.rpc.type}, see {@link RaftSettings}), so it is public with a public
 * constructor.
 *
 * <p>Thread safety: stateless.
 */
public final class SnapshotAwareGrpc implements RpcType {

    @Override
    public String name() {
        return SnapshotAwareGrpc.class.getName();
    }

    @Override
    public RpcFactory newFactory(Parameters parameters) {
        return new Factory(parameters);
    }

    /** Ratis's gRPC factory, whose leaders append through {@link Appender}. */
    private static final class Factory extends GrpcFactory {

        Factory(Parameters parameters) {
            super(parameters);
        }

        @Override
        public LogAppender newLogAppender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
            return new Appender(server, state, follower);
        }
    }

    /** A leader's appender to one follower, which does not notify a follower whose snapshot needs no install. */
    private static final class Appender extends GrpcLogAppender {

        Appender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
            super(server, state, follower);
        }

        @Override
        public TermIndex shouldNotifyToInstallSnapshot() {
            FollowerInfo follower = getFollower();
            long next = follower.getNextIndex();
            if (next > 0 && next == follower.getSnapshotIndex() + 1 && next == getRaftLog().getStartIndex()
                    && next < getRaftLog().getNextIndex()) {
                return null;
            }
            return super.shouldNotifyToInstallSnapshot();
        }
    }
}
