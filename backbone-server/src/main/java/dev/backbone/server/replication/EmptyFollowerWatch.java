package dev.backbone.server.replication;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.raftlog.RaftLog;

/**
 * Gets a follower restarted on empty Raft storage (a replaced disk) replicating again when its group is idle.
 * Ratis's leader remembers what the follower acknowledged before it lost its disk (its match index) and, as long as
 * it leads and no new entry comes, answers the follower's "inconsistency" by sending from after that position again:
 * the follower waits for a new entry or a new leader. So a member that has held no entry and no snapshot for
 * {@link #CHECKS} checks in a row (and is not installing one, nor leading) asks the leader it knows to hand
 * leadership to another member: a new leader knows no match index, starts the follower from its first entry, or notifies it to
 * install a snapshot when the entries it lacks are purged.
 *
 * <p>Thread safety: thread-safe; the checks run on one thread of their own.
 */
final class EmptyFollowerWatch implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EmptyFollowerWatch.class.getName());
    static final int CHECKS = 3;
    private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(10);

    private final RaftServer server;
    private final Duration requestTimeout;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "backbone-empty-follower-watch");
        thread.setDaemon(true);
        return thread;
    });
    /** Checks in a row each group's member here was found empty; only the watch's thread touches it. */
    private final Map<RaftGroupId, Integer> emptyChecks = new HashMap<>();

    EmptyFollowerWatch(RaftServer server, Duration requestTimeout) {
        this.server = server;
        this.requestTimeout = requestTimeout;
    }

    /** Checks every {@code interval} from now on. */
    EmptyFollowerWatch start(Duration interval) {
        scheduler.scheduleWithFixedDelay(this::checkAll, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return this;
    }

    private void checkAll() {
        try {
            for (RaftGroupId group : server.getGroupIds()) {
                check(group);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "checking for empty followers failed; the next check tries again", e);
        }
    }

    private void check(RaftGroupId group) {
        Optional<RaftServer.Division> found = division(group);
        if (found.isEmpty() || !isEmptyFollower(found.get())) {
            emptyChecks.remove(group);
            return;
        }
        // The follower's view of the leader comes and goes (its failed heartbeats let it start elections that the
        // others refuse): checks without a leader neither count nor reset the count. Counting only checks with a
        // leader also spares a new group, whose members are empty until its first leader is elected.
        if (found.get().getInfo().getLeaderId() == null) {
            return;
        }
        int checks = emptyChecks.merge(group, 1, Integer::sum);
        if (checks >= CHECKS) {
            emptyChecks.remove(group);
            askForAnotherLeader(found.get());
        }
    }

    private Optional<RaftServer.Division> division(RaftGroupId group) {
        try {
            return Optional.of(server.getDivision(group));
        } catch (IOException removed) {
            return Optional.empty();
        }
    }

    private static boolean isEmptyFollower(RaftServer.Division division) {
        RaftLog log = division.getRaftLog();
        boolean installing = division.getStateMachine() instanceof PartitionStateMachine partition
                && partition.installing();
        return !division.getInfo().isLeader() && !installing && log.getLastEntryTermIndex() == null
                && log.getSnapshotIndex() < 0;
    }

    private void askForAnotherLeader(RaftServer.Division division) {
        RaftPeerId leader = division.getInfo().getLeaderId();
        Optional<RaftPeerId> target = division.getGroup().getPeers().stream().map(RaftPeer::getId)
                .filter(id -> !id.equals(leader) && !id.equals(division.getId())).findFirst();
        if (leader == null || target.isEmpty()) {
            return;
        }
        LOG.log(Level.INFO, "{0} of group {1} has held no entry since it started, with {2} leading: asking {2} to"
                + " hand leadership to {3}", division.getId(), division.getGroup().getGroupId(), leader, target.get());
        try (RaftClient client = RaftClient.newBuilder().setProperties(RaftSettings.client(requestTimeout))
                .setRaftGroup(division.getGroup()).build()) {
            RaftClientReply reply = client.admin().transferLeadership(target.get(), leader,
                    TRANSFER_TIMEOUT.toMillis());
            if (!reply.isSuccess()) {
                LOG.log(Level.INFO, "leadership of group {0} was not handed over: {1}",
                        division.getGroup().getGroupId(), reply.getException());
            }
        } catch (IOException e) {
            LOG.log(Level.INFO, "leadership of group " + division.getGroup().getGroupId() + " was not handed over",
                    e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
