package dev.backbone.server.replication;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
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
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.GroupMismatchException;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;

/**
 * This broker's member of the cluster: one Ratis server (one gRPC port) hosting the metadata group and the groups
 * of the partitions this broker replicates, and the Raft clients through which it proposes entries. A client send
 * reaches the group's leader wherever it is, so proposing through it is also how a follower forwards a produce.
 *
 * <p>Thread safety: thread-safe; {@link #start} and {@link #close} are called once each.
 */
public final class ReplicationNode implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ReplicationNode.class.getName());
    private static final long RETRY_SLEEP_MS = 100;
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
    private final Map<RaftGroupId, RaftClient> clients = new ConcurrentHashMap<>();
    private final ClientId adminClientId = ClientId.randomId();
    private final AtomicLong adminCallId = new AtomicLong();
    /** The client id of the entries this broker hands to its own member of a group it leads. */
    private final ClientId leaderClientId = ClientId.randomId();
    private final AtomicLong leaderCallId = new AtomicLong();
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
                .setGroup(group(RaftGroupIds.METADATA, peers.all()))
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
        RaftClient client = clients.remove(id);
        if (client != null) {
            closeQuietly(client);
        }
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
                RaftPeerId.valueOf(self.id()), adminCallId.incrementAndGet(), group(id, replicas(tp))));
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
     * committed and applied there. When this broker leads the group the entry goes straight to its own Raft server;
     * otherwise through the group's Raft client, which finds the leader wherever it is.
     *
     * @param what names the group in errors ("partition orders-0", "the metadata")
     * @return the reply content; fails with {@link NoLeaderException} when no leader answered in time
     */
    public CompletableFuture<ByteBuffer> submit(RaftGroupId groupId, List<ClusterPeer> members, String what,
                                                ByteString entry) {
        CompletableFuture<RaftClientReply> local = submitAsLeader(groupId, entry);
        if (local != null) {
            return answer(what, local, true);
        }
        RaftClient client = clients.computeIfAbsent(groupId, id -> newClient(id, members));
        CompletableFuture<RaftClientReply> sent = client.async().send(Message.valueOf(entry));
        sent.whenComplete((reply, failure) -> {
            if (failure != null) {
                discardIfUnusable(groupId, client, failure);
            }
        });
        // A copy times out, not the client's own future, whose later failure must still reach the line above.
        return answer(what, sent.copy(), false);
    }

    /**
     * Hands the entry to this broker's own member of the group when it is the group's leader and ready, else null.
     * A Raft client would carry it through gRPC to the same server: a serialization, a loopback connection and a
     * parse of the whole entry, and two thread hops, for nothing (measured: {@code BENCHMARKS.md}, "RF=3, second
     * round"). Such a request is not retried: should this member stop leading before the entry is committed, the
     * answer is {@code no-leader} (the entry may still be committed by the next leader), as when a client's retries
     * run out; a retry elsewhere could append it twice.
     */
    private CompletableFuture<RaftClientReply> submitAsLeader(RaftGroupId groupId, ByteString entry) {
        RaftServer s = server;
        if (s == null) {
            return null;
        }
        try {
            if (!s.getDivision(groupId).getInfo().isLeaderReady()) {
                return null;
            }
            return s.submitClientRequestAsync(RaftClientRequest.newBuilder()
                    .setClientId(leaderClientId)
                    .setServerId(s.getId())
                    .setGroupId(groupId)
                    .setCallId(leaderCallId.incrementAndGet())
                    .setMessage(Message.valueOf(entry))
                    .setType(RaftClientRequest.writeRequestType())
                    .build());
        } catch (IOException notHostedOrClosed) {
            return null;
        }
    }

    private CompletableFuture<ByteBuffer> answer(String what, CompletableFuture<RaftClientReply> reply,
                                                 boolean asLeader) {
        return reply.orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((answered, failure) -> {
                    if (failure != null) {
                        throw failed(what, failure);
                    }
                    if (!answered.isSuccess()) {
                        Throwable cause = answered.getException();
                        if (asLeader && (cause instanceof NotLeaderException
                                || cause instanceof LeaderNotReadyException)) {
                            throw NoLeaderException.stoppedLeading(what, cause);
                        }
                        throw failed(what, cause);
                    }
                    return answered.getMessage().getContent().asReadOnlyByteBuffer();
                });
    }

    /**
     * A Raft client whose ordered requests ran out of retries (an election longer than the retries last, a cut-off
     * leader) fails that request and every later one, for good. Such a client is replaced, so that the next
     * request to the group gets a new one; the requests it had in flight fail (they may or may not have been
     * committed, as with any unanswered request).
     */
    private void discardIfUnusable(RaftGroupId groupId, RaftClient client, Throwable failure) {
        Throwable cause = unwrap(failure);
        if ((cause instanceof AlreadyClosedException || cause instanceof RaftRetryFailureException
                || cause instanceof GroupMismatchException) && clients.remove(groupId, client)) {
            LOG.log(Level.INFO, "replacing the Raft client of group {0} after {1}", groupId, cause.toString());
            // Not on this thread: it may be one of the client's own, which closing waits for.
            CompletableFuture.runAsync(() -> closeQuietly(client));
        }
    }

    private RuntimeException failed(String what, Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof StateMachineException) {
            return new BackboneException(ProblemType.INTERNAL_ERROR, "applying the write to " + what + " failed: "
                    + cause.getMessage(), Map.of(), cause);
        }
        if (cause instanceof BackboneException backbone) {
            return backbone;
        }
        return new NoLeaderException(what, requestTimeout, cause);
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /**
     * A client that first tries the leader this broker knows of, else this broker if it is a member, else a member
     * drawn at random. Left to itself a client starts with the group's first peer, and a peer that does not run the
     * group (it has not applied the topic's creation yet) answers with an error the client does not retry elsewhere:
     * that request and every later one on the client would fail, even while this broker leads the group.
     */
    private RaftClient newClient(RaftGroupId groupId, List<ClusterPeer> members) {
        RaftClient.Builder builder = RaftClient.newBuilder()
                .setProperties(RaftSettings.client(requestTimeout))
                .setRaftGroup(group(groupId, members))
                // Retries carry a leader change or an election. They stop soon after the request timeout, so that
                // requests the caller gave up on do not hold the client's ordered window.
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                        (int) Math.max(10, requestTimeout.toMillis() / RETRY_SLEEP_MS + 5),
                        TimeDuration.valueOf(RETRY_SLEEP_MS, TimeUnit.MILLISECONDS)));
        ClusterPeer first = leader(groupId).orElse(members.contains(self) ? self
                : members.get(ThreadLocalRandom.current().nextInt(members.size())));
        builder.setLeaderId(RaftPeerId.valueOf(first.id()));
        return builder.build();
    }

    private static RaftGroup group(RaftGroupId id, List<ClusterPeer> members) {
        return RaftGroup.valueOf(id, members.stream()
                .map(p -> RaftPeer.newBuilder().setId(p.id()).setAddress(p.raftAddress()).build())
                .toList());
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

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "closing " + closeable + " failed", e);
        }
    }

    @Override
    public void close() throws IOException {
        clients.values().forEach(ReplicationNode::closeQuietly);
        clients.clear();
        RaftServer s = server;
        server = null;
        if (s != null) {
            s.close();
        }
    }
}
