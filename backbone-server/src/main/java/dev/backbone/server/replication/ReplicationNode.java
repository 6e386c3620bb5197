package dev.backbone.server.replication;

import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * This broker's member of the cluster: one Ratis server (one gRPC port) hosting the metadata group and the groups
 * of the partitions this broker replicates, and the proposals of entries to those groups ({@link GroupProposals}).
 * A proposal reaches the group's leader wherever it is, so proposing is also how a follower forwards a produce.
 *
 * <p>Thread safety: thread-safe; {@link #start} and {@link #close} are called once each.
 */
public final class ReplicationNode implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ReplicationNode.class.getName());
    private static final Duration DEFAULT_REQUEST_WINDOW = Duration.ofMinutes(10);
    private static final int DEFAULT_MAX_REQUESTS = 100_000;
    private static final long DEFAULT_SNAPSHOT_INTERVAL_BYTES = 16L << 20;

    private final ClusterPeers peers;
    private final ClusterPeer self;
    private final int replicationFactor;
    private final Duration requestTimeout;
    private final Path raftDir;
    private final long snapshotIntervalEntries;
    private volatile Duration requestWindow = DEFAULT_REQUEST_WINDOW;
    private volatile int maxRequestsPerPartition = DEFAULT_MAX_REQUESTS;
    private volatile long snapshotIntervalBytes = DEFAULT_SNAPSHOT_INTERVAL_BYTES;
    private volatile Duration electionTimeout = RaftSettings.DEFAULT_ELECTION_TIMEOUT;
    private final Map<RaftGroupId, TopicPartition> partitionsByGroup = new ConcurrentHashMap<>();
    private final ClientId adminClientId = ClientId.randomId();
    private final AtomicLong adminCallId = new AtomicLong();
    private final GroupProposals proposals;
    private volatile RaftServer server;

    /**
     * @param snapshotIntervalEntries entries a group applies between two snapshots (each fsyncs the partition log,
     *                                so that a restart replays only what follows)
     */
    public ReplicationNode(ClusterPeers peers, String selfId, int replicationFactor, Duration requestTimeout,
                           Path raftDir, long snapshotIntervalEntries) {
        this.peers = peers;
        this.self = peers.require(selfId);
        this.replicationFactor = Math.min(Math.max(1, replicationFactor), peers.size());
        this.requestTimeout = requestTimeout;
        this.raftDir = raftDir;
        if (snapshotIntervalEntries < 1) {
            throw new IllegalArgumentException("the snapshot interval must be at least 1 entry, was "
                    + snapshotIntervalEntries);
        }
        this.snapshotIntervalEntries = snapshotIntervalEntries;
        this.proposals = new GroupProposals(self, requestTimeout, () -> server, this::leader);
    }

    /**
     * How long, in the append time of a partition's entries, a client request (an {@code Idempotency-Key}) is
     * answered as a repeat, and how many requests a partition remembers at most. Set before {@link #start}; every
     * broker must use the same values, as they decide what apply does.
     */
    public void deduplicateRequests(Duration window, int maxPerPartition) {
        if (window.isNegative() || window.isZero() || maxPerPartition < 1) {
            throw new IllegalArgumentException("the request window and key count must be positive, were " + window
                    + " and " + maxPerPartition);
        }
        this.requestWindow = window;
        this.maxRequestsPerPartition = maxPerPartition;
    }

    /**
     * Bytes of entries a partition group applies between two snapshots, whatever their number: with the entry
     * interval, what bounds the Raft log a group keeps. Set before {@link #start}.
     */
    public void snapshotIntervalBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("the snapshot interval must be at least 1 byte, was " + bytes);
        }
        this.snapshotIntervalBytes = bytes;
    }

    /**
     * The shortest silence of a leader after which a follower calls an election (the longest is twice this). Set
     * before {@link #start}.
     */
    public void electionTimeout(Duration timeout) {
        if (timeout.toMillis() < RaftSettings.MIN_ELECTION_TIMEOUT_MS) {
            throw new IllegalArgumentException("the election timeout must be at least "
                    + RaftSettings.MIN_ELECTION_TIMEOUT_MS + " ms, was " + timeout);
        }
        this.electionTimeout = timeout;
    }

    public ClusterPeers peers() {
        return peers;
    }

    public ClusterPeer self() {
        return self;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** Where the Raft server keeps its groups' logs and snapshots. */
    public Path raftDirectory() {
        return raftDir;
    }

    /**
     * Starts the Raft server: its metadata group and every partition group found in its storage.
     *
     * @param metadata   the metadata group's state machine
     * @param localLogs  the engine's own log of a partition, for the partition groups' state machines
     */
    public void start(MetadataStateMachine metadata, Function<TopicPartition, Optional<PartitionLog>> localLogs)
            throws IOException {
        Files.createDirectories(raftDir);
        StateMachine.Registry registry = groupId -> {
            if (groupId.equals(RaftGroupIds.METADATA)) {
                return metadata;
            }
            TopicPartition tp = partitionsByGroup.get(groupId);
            if (tp == null) {
                throw new IllegalStateException("Raft group " + groupId + " belongs to no partition of this broker");
            }
            return new PartitionStateMachine(tp, localLogs, requestWindow, maxRequestsPerPartition,
                    snapshotIntervalBytes);
        };
        removeOrphanGroupDirectories();
        RaftServer started = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(self.id()))
                .setGroup(RaftGroupIds.group(RaftGroupIds.METADATA, peers.all()))
                .setStateMachineRegistry(registry)
                .setProperties(RaftSettings.server(raftDir, self, requestTimeout, electionTimeout,
                        snapshotIntervalEntries))
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        started.start();
        server = started;
        LOG.log(Level.INFO, "Raft server {0} started on {1} with peers {2}", self.id(), self.raftAddress(), peers);
    }

    /** Makes {@code tp}'s group known, so that its state machine can be found when Ratis loads or adds it. */
    public void register(TopicPartition tp) {
        partitionsByGroup.put(RaftGroupIds.partition(tp), tp);
    }

    public void unregister(TopicPartition tp) {
        RaftGroupId id = RaftGroupIds.partition(tp);
        partitionsByGroup.remove(id);
        proposals.forget(id);
    }

    public List<ClusterPeer> replicas(TopicPartition tp) {
        return RaftGroupIds.replicas(peers, replicationFactor, tp);
    }

    public boolean isReplica(TopicPartition tp) {
        return replicas(tp).contains(self);
    }

    /** Starts this broker's member of {@code tp}'s group unless it runs already. Blocks briefly. */
    public void addPartitionGroup(TopicPartition tp) throws IOException {
        RaftGroupId id = RaftGroupIds.partition(tp);
        register(tp);
        RaftServer s = server;
        if (s == null || hosts(id)) {
            return;
        }
        RaftClientReply reply = s.groupManagement(GroupManagementRequest.newAdd(adminClientId,
                RaftPeerId.valueOf(self.id()), adminCallId.incrementAndGet(), RaftGroupIds.group(id, replicas(tp))));
        if (!reply.isSuccess() && !hosts(id)) {
            throw new IOException("could not start the Raft group of " + tp, reply.getException());
        }
    }

    /** Stops this broker's member of {@code tp}'s group and deletes its Raft storage. */
    public void removePartitionGroup(TopicPartition tp) throws IOException {
        RaftGroupId id = RaftGroupIds.partition(tp);
        RaftServer s = server;
        if (s != null && hosts(id)) {
            RaftClientReply reply = s.groupManagement(GroupManagementRequest.newRemove(adminClientId,
                    RaftPeerId.valueOf(self.id()), adminCallId.incrementAndGet(), id, true, false));
            if (!reply.isSuccess()) {
                LOG.log(Level.WARNING, "could not remove the Raft group of " + tp, reply.getException());
            }
        }
        unregister(tp);
    }

    /** The groups this broker's Raft server runs a member of. */
    public List<RaftGroupId> hostedGroups() {
        RaftServer s = server;
        if (s == null) {
            return List.of();
        }
        List<RaftGroupId> hosted = new ArrayList<>();
        s.getGroupIds().forEach(hosted::add);
        return hosted;
    }

    private boolean hosts(RaftGroupId id) {
        RaftServer s = server;
        if (s == null) {
            return false;
        }
        for (RaftGroupId hosted : s.getGroupIds()) {
            if (hosted.equals(id)) {
                return true;
            }
        }
        return false;
    }

    /** What {@code group}'s member on this broker knows, if this broker hosts it. */
    public Optional<RaftServer.Division> division(RaftGroupId group) {
        RaftServer s = server;
        if (s == null || !hosts(group)) {
            return Optional.empty();
        }
        try {
            return Optional.of(s.getDivision(group));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The peer this broker believes leads {@code group}, if it hosts the group and knows a leader. */
    public Optional<ClusterPeer> leader(RaftGroupId group) {
        return division(group).map(d -> d.getInfo().getLeaderId()).flatMap(id -> peers.find(id.toString()));
    }

    /**
     * Proposes an entry to a group and completes with the reply of the leader's state machine, once the entry is
     * committed and applied there ({@link GroupProposals}: straight to this broker's own member when it leads the
     * group, otherwise through the group's Raft client).
     *
     * @param what names the group in errors ("partition orders-0", "the metadata")
     * @return the reply content; fails with {@link NoLeaderException} when no leader answered in time
     */
    public CompletableFuture<ByteBuffer> submit(RaftGroupId groupId, List<ClusterPeer> members, String what,
                                                ByteString entry) {
        return proposals.submit(groupId, members, what, entry);
    }

    /** Raft directories of partition groups whose topic this broker no longer has (deleted while it was down). */
    private void removeOrphanGroupDirectories() throws IOException {
        try (var dirs = Files.list(raftDir)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                RaftGroupId id;
                try {
                    id = RaftGroupId.valueOf(java.util.UUID.fromString(dir.getFileName().toString()));
                } catch (IllegalArgumentException notAGroup) {
                    continue;
                }
                if (!id.equals(RaftGroupIds.METADATA) && !partitionsByGroup.containsKey(id)) {
                    LOG.log(Level.WARNING, "deleting Raft group directory {0}: no topic of this broker owns it", dir);
                    deleteRecursively(dir);
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public void close() throws IOException {
        proposals.close();
        RaftServer s = server;
        server = null;
        if (s != null) {
            s.close();
        }
    }
}
