package dev.backbone.server.replication;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;

/**
 * Gets a replica that lost its Raft storage (a wiped or replaced disk) out of a wait that Ratis does not end by
 * itself. Such a replica answers its leader's heartbeats "inconsistent, send from index 0", but the leader remembers
 * what the replica acknowledged before it lost its disk (its match index) and keeps resending from after that
 * position for as long as it leads; on an idle group nothing changes the leader, so the replica never catches up
 * (seen with the metadata group: a wiped broker never learned of topics created after it rejoined).
 *
 * <p>A leader appends its configuration entry as its term starts, so a member whose Raft log is still empty
 * {@code patience} after this broker started it is in that wait (or its group has no leader at all). This asks each
 * other member of the group to step down if it leads: the old leader stops, another member (or the same one, after
 * an election) leads with no memory of the replica's old position, and sends it the log from the start. At most one
 * such request per group every {@code patience}, so a group that has no leader at all is not disturbed more often.
 *
 * <p>Thread safety: thread-safe; one scheduler thread does the checks.
 */
public final class StalledFollowerRescue implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(StalledFollowerRescue.class.getName());

    private final Supplier<List<RaftGroupId>> hostedGroups;
    private final Function<RaftGroupId, Optional<RaftServer.Division>> divisions;
    private final Duration requestTimeout;
    private final Duration patience;
    private final LongSupplier nanoClock;
    private final Map<RaftGroupId, Long> emptySince = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "backbone-stalled-follower-rescue");
        thread.setDaemon(true);
        return thread;
    });

    public StalledFollowerRescue(ReplicationNode node, Duration patience, LongSupplier nanoClock) {
        this(node::hostedGroups, node::division, node.requestTimeout(), patience, nanoClock);
    }

    /**
     * @param hostedGroups the groups the Raft server runs a member of
     * @param divisions    the member of a group, if the server runs it
     */
    StalledFollowerRescue(Supplier<List<RaftGroupId>> hostedGroups,
                          Function<RaftGroupId, Optional<RaftServer.Division>> divisions, Duration requestTimeout,
                          Duration patience, LongSupplier nanoClock) {
        this.hostedGroups = hostedGroups;
        this.divisions = divisions;
        this.requestTimeout = requestTimeout;
        this.patience = patience;
        this.nanoClock = nanoClock;
    }

    /** Checks every group this broker hosts, every second from now on. */
    public void start() {
        scheduler.scheduleWithFixedDelay(this::checkAll, 1, 1, TimeUnit.SECONDS);
    }

    void checkAll() {
        for (RaftGroupId group : hostedGroups.get()) {
            try {
                divisions.apply(group).ifPresent(this::check);
            } catch (IllegalStateException startingOrClosing) {
                // Ratis refuses to show the log of a member that is starting or closing; the next check sees it.
                emptySince.remove(group);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "checking Raft group " + group + " for a stalled follower failed", e);
            }
        }
    }

    private void check(RaftServer.Division division) {
        RaftGroupId group = division.getGroup().getGroupId();
        if (division.getRaftLog().getNextIndex() > 0 || division.getInfo().isLeader() || installing(division)) {
            emptySince.remove(group);
            return;
        }
        long now = nanoClock.getAsLong();
        long since = emptySince.computeIfAbsent(group, g -> now);
        if (now - since < patience.toNanos()) {
            return;
        }
        emptySince.put(group, now);
        LOG.log(Level.WARNING, "{0}: this broker''s Raft log of group {1} is still empty after {2}; asking its "
                + "leader to step down so that the next one sends the log from the start",
                division.getId(), group, patience);
        for (RaftPeer peer : division.getGroup().getPeers()) {
            if (!peer.getId().equals(division.getId())) {
                askToStepDown(division, peer);
            }
        }
    }

    /** A member copying a snapshot's batches has an empty Raft log until the copy ends; it is not waiting. */
    private static boolean installing(RaftServer.Division division) {
        return division.getStateMachine() instanceof PartitionStateMachine partition && partition.installing();
    }

    /** A member that does not lead refuses (not the leader); only the leader, if any, steps down. */
    private void askToStepDown(RaftServer.Division division, RaftPeer peer) {
        try (RaftClient client = RaftClient.newBuilder()
                .setProperties(RaftSettings.client(requestTimeout))
                .setRaftGroup(division.getGroup())
                .setLeaderId(peer.getId())
                .setRetryPolicy(RetryPolicies.noRetry())
                .build()) {
            RaftClientReply reply = client.admin().transferLeadership(null, peer.getId(),
                    requestTimeout.toMillis());
            if (reply.isSuccess()) {
                LOG.log(Level.INFO, "{0} stepped down as leader of group {1}", peer.getId(),
                        division.getGroup().getGroupId());
            }
        } catch (Exception notTheLeader) {
            LOG.log(Level.DEBUG, "asking " + peer.getId() + " to step down failed", notTheLeader);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
