package dev.backbone.server.replication;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
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
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.GroupMismatchException;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;

/**
 * Proposes entries to Raft groups for this broker and turns the leader's replies into answers or typed failures:
 * straight to this broker's own member of a group it leads, otherwise through the group's Raft client (one per
 * group, kept while it is usable), which finds the leader wherever it is.
 *
 * <p>Thread safety: thread-safe.
 */
final class GroupProposals implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(GroupProposals.class.getName());
    private static final long RETRY_SLEEP_MS = 100;

    private final ClusterPeer self;
    private final Duration requestTimeout;
    private final Supplier<RaftServer> server;
    private final Function<RaftGroupId, Optional<ClusterPeer>> knownLeader;
    private final Map<RaftGroupId, RaftClient> clients = new ConcurrentHashMap<>();
    /** The client id of the entries this broker hands to its own member of a group it leads. */
    private final ClientId leaderClientId = ClientId.randomId();
    private final AtomicLong leaderCallId = new AtomicLong();

    /**
     * @param server      this broker's Raft server, null while it is not running
     * @param knownLeader the peer this broker believes leads a group, if it hosts the group and knows a leader
     */
    GroupProposals(ClusterPeer self, Duration requestTimeout, Supplier<RaftServer> server,
                   Function<RaftGroupId, Optional<ClusterPeer>> knownLeader) {
        this.self = self;
        this.requestTimeout = requestTimeout;
        this.server = server;
        this.knownLeader = knownLeader;
    }

    /**
     * Proposes an entry to a group and completes with the reply of the leader's state machine, once the entry is
     * committed and applied there. When this broker leads the group the entry goes straight to its own Raft server;
     * otherwise through the group's Raft client, which finds the leader wherever it is.
     *
     * @param what names the group in errors ("partition orders-0", "the metadata")
     * @return the reply content; fails with {@link NoLeaderException} when no leader answered in time
     */
    CompletableFuture<ByteBuffer> submit(RaftGroupId groupId, List<ClusterPeer> members, String what,
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

    /** Closes the group's Raft client, if there is one: the group is gone from this broker. */
    void forget(RaftGroupId groupId) {
        RaftClient client = clients.remove(groupId);
        if (client != null) {
            closeQuietly(client);
        }
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
        RaftServer s = server.get();
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
                .setRaftGroup(RaftGroupIds.group(groupId, members))
                // Retries carry a leader change or an election. They stop soon after the request timeout, so that
                // requests the caller gave up on do not hold the client's ordered window.
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                        (int) Math.max(10, requestTimeout.toMillis() / RETRY_SLEEP_MS + 5),
                        TimeDuration.valueOf(RETRY_SLEEP_MS, TimeUnit.MILLISECONDS)));
        ClusterPeer first = knownLeader.apply(groupId).orElse(members.contains(self) ? self
                : members.get(ThreadLocalRandom.current().nextInt(members.size())));
        builder.setLeaderId(RaftPeerId.valueOf(first.id()));
        return builder.build();
    }

    @Override
    public void close() {
        clients.values().forEach(GroupProposals::closeQuietly);
        clients.clear();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "closing " + closeable + " failed", e);
        }
    }
}
