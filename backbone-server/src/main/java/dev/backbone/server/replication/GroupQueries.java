package dev.backbone.server.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * Read-only questions to one member of a Raft group, answered by that member's state machine over the Raft port
 * (Ratis "stale reads": no round of Raft, any member answers, leader or not). The broker-to-broker channel is the
 * Raft port itself, so nothing new is opened to clients.
 *
 * <p>Thread safety: thread-safe; one Raft client, closed with {@link #close}.
 */
final class GroupQueries implements AutoCloseable {

    /** Per attempt; an answer carries at most a few megabytes read from the page cache. */
    private static final TimeDuration ATTEMPT_TIMEOUT = TimeDuration.valueOf(10, TimeUnit.SECONDS);
    private static final int ATTEMPTS = 3;

    private final RaftClient client;

    GroupQueries(RaftGroup group) {
        RaftProperties properties = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(properties, ATTEMPT_TIMEOUT);
        GrpcConfigKeys.setMessageSizeMax(properties, SizeInBytes.valueOf("32MB"));
        this.client = RaftClient.newBuilder()
                .setProperties(properties)
                .setRaftGroup(group)
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(ATTEMPTS,
                        TimeDuration.valueOf(200, TimeUnit.MILLISECONDS)))
                .build();
    }

    /** Asks {@code peer} and waits for its answer. */
    ByteBuffer ask(RaftPeerId peer, ByteString query) throws IOException {
        RaftClientReply reply = client.io().sendStaleRead(Message.valueOf(query), 0, peer);
        if (!reply.isSuccess()) {
            throw new IOException("member " + peer + " of Raft group " + reply.getRaftGroupId() + " did not answer"
                    + " a snapshot query", reply.getException());
        }
        return reply.getMessage().getContent().asReadOnlyByteBuffer();
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
