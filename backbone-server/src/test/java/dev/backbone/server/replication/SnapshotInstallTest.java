package dev.backbone.server.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.server.log.AppendRequestId;
import dev.backbone.server.log.AppendResult;
import dev.backbone.server.log.LogConfig;
import dev.backbone.server.log.LogManager;
import dev.backbone.server.log.LogManagerOptions;
import dev.backbone.server.log.LogSlice;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import dev.backbone.server.testing.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real three-member Ratis group of one partition, in one JVM on 127.0.0.1 with real file systems, whose Raft log is
 * purged after frequent snapshots. A follower's data is wiped and it rejoins the idle group (the leader remembers
 * what it acknowledged before, see {@link StalledFollowerRescue}); then the other follower is stopped while the others
 * take entries enough to purge what it lacks, and rejoins without being wiped (it lags). Each rejoins by copying
 * the batches it lacks from the leader, not by replay: its partition log ends byte-identical
 * (SHA-256 of the batches, offsets and leader epochs included) with the leader's, it answers repeats of requests
 * applied before the purge as the leader would (its idempotency table was copied), and every member's Raft log stays
 * within a bound. Seeded; the seed is printed.
 */
class SnapshotInstallTest {

    private static final TopicPartition TP = new TopicPartition("installed", 0);
    private static final RaftGroupId GROUP = RaftGroupIds.partition(TP);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final List<String> IDS = List.of("p0", "p1", "p2");
    private static final long SNAPSHOT_INTERVAL_ENTRIES = 40;
    private static final long SNAPSHOT_INTERVAL_BYTES = 64 << 10;
    private static final long RAFT_SEGMENT_BYTES = 32 << 10;

    @TempDir
    Path dir;

    private final Map<String, Member> members = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final List<AppendRequestId> requests = new ArrayList<>();
    private final List<AppendResult> requestResults = new ArrayList<>();
    private Random random;
    private long entries;

    /** One broker's side: its partition log, its Raft server and the watch that unsticks a wiped follower. */
    private record Member(LogManager logs, PartitionLog log, RaftServer server, StalledFollowerRescue rescue) {
        void close() throws IOException {
            rescue.close();
            server.close();
            logs.close();
        }
    }

    @AfterEach
    void closeAll() throws IOException {
        for (Member member : members.values()) {
            member.close();
        }
    }

    @Test
    void followersLackingPurgedEntriesCopyTheLeadersBatches() throws Exception {
        long seed = System.nanoTime();
        System.out.println("SnapshotInstallTest seed " + seed);
        random = new Random(seed);
        for (String id : IDS) {
            ports.put(id, freePort());
        }
        for (String id : IDS) {
            members.put(id, start(id));
        }
        try (RaftClient client = client()) {
            appendSome(client, 260);
            assertPurgedBeyond(leader(client));
            for (String id : IDS) {
                awaitCaughtUp(id);
            }
            // The wiped follower rejoins an idle group: no entry comes to show the leader it lost everything.
            String wiped = follower(client);
            stop(wiped);
            wipe(wiped);
            members.put(wiped, start(wiped));
            awaitCaughtUp(wiped);

            String lagging = IDS.stream().filter(id -> !id.equals(wiped) && !id.equals(leader(client)))
                    .findFirst().orElseThrow();
            stop(lagging);
            appendSome(client, 200);
            assertPurgedBeyond(leader(client));
            members.put(lagging, start(lagging));
            awaitCaughtUp(lagging);

            appendSome(client, 5);
            for (String id : IDS) {
                awaitCaughtUp(id);
            }
            String leaderDigest = digest(members.get(leader(client)).log());
            for (String id : IDS) {
                assertThat(digest(members.get(id).log())).as("batches of %s", id).isEqualTo(leaderDigest);
                assertThat(raftLogBytes(id)).as("Raft log of %s", id)
                        .isLessThan(SNAPSHOT_INTERVAL_BYTES + 4 * RAFT_SEGMENT_BYTES);
            }
            // The wiped member, made leader, answers repeats of requests applied before it was wiped.
            RaftClientReply transfer = client.admin().transferLeadership(RaftPeerId.valueOf(wiped),
                    TIMEOUT.toMillis());
            assertThat(transfer.isSuccess()).as("transfer %s", transfer).isTrue();
            for (int i = 0; i < requests.size(); i++) {
                ByteBuffer reply = send(client, requests.get(i), batch(1));
                assertThat(reply.get(reply.position())).as("repeat of %s", requests.get(i).key())
                        .isEqualTo(PartitionEntryDescriptor.DUPLICATE);
                assertThat(PartitionEntryDescriptor.appendResult(reply).batchBaseOffsets())
                        .containsExactly(requestResults.get(i).batchBaseOffsets());
            }
        }
    }

    /** Appends {@code count} entries of one to three batches, every tenth once per request. */
    private void appendSome(RaftClient client, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            int batches = 1 + random.nextInt(3);
            List<ByteBuffer> parts = new ArrayList<>();
            for (int b = 0; b < batches; b++) {
                parts.add(batch(1 + random.nextInt(4)));
            }
            ByteBuffer entry = RecordBatchBuilder.concat(parts);
            if (entries % 10 == 0) {
                AppendRequestId request = new AppendRequestId("key-" + entries, new byte[] {(byte) entries, 7});
                ByteBuffer reply = send(client, request, entry);
                assertThat(reply.get(reply.position())).isEqualTo(PartitionEntryDescriptor.APPENDED);
                requests.add(request);
                requestResults.add(PartitionEntryDescriptor.appendResult(reply));
            } else {
                ByteBuffer reply = send(PartitionEntryDescriptor.append(PartitionEntryDescriptor.ANY_OFFSET,
                        appendTime(), entry), client);
                assertThat(reply.get(reply.position())).isEqualTo(PartitionEntryDescriptor.APPENDED);
            }
        }
    }

    private ByteBuffer send(RaftClient client, AppendRequestId request, ByteBuffer batches) throws IOException {
        return send(PartitionEntryDescriptor.append(PartitionEntryDescriptor.ANY_OFFSET, appendTime(), request,
                batches), client);
    }

    private long appendTime() {
        return 1_700_000_000_000L + entries;
    }

    private ByteBuffer send(ByteString entry, RaftClient client) throws IOException {
        entries++;
        RaftClientReply reply = client.io().send(Message.valueOf(entry));
        assertThat(reply.isSuccess()).as("reply %s", reply).isTrue();
        return reply.getMessage().getContent().asReadOnlyByteBuffer();
    }

    private ByteBuffer batch(int records) {
        RecordBatchBuilder builder = new RecordBatchBuilder();
        for (int i = 0; i < records; i++) {
            String value = "entry " + entries + "/" + i + " " + "x".repeat(100 + random.nextInt(400));
            builder.add(1_000L + entries, null, value.getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    private String leader(RaftClient client) {
        for (Map.Entry<String, Member> member : members.entrySet()) {
            try {
                if (member.getValue().server().getDivision(GROUP).getInfo().isLeader()) {
                    return member.getKey();
                }
            } catch (IOException stopped) {
                continue;
            }
        }
        throw new AssertionError("no leader among " + members.keySet());
    }

    private String follower(RaftClient client) {
        String leader = leader(client);
        return IDS.stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    }

    /** The leader's Raft log no longer holds the first entries: a member lacking them must install. */
    private void assertPurgedBeyond(String leader) throws IOException {
        long start = members.get(leader).server().getDivision(GROUP).getRaftLog().getStartIndex();
        assertThat(start).as("first index in the Raft log of leader %s", leader).isGreaterThan(100);
    }

    private void awaitCaughtUp(String id) throws InterruptedException {
        Await.until(() -> members.values().stream().mapToLong(m -> m.log().logEndOffset()).max().orElseThrow()
                        == members.get(id).log().logEndOffset(),
                id + " holds every record the others hold", Duration.ofSeconds(60));
    }

    private void stop(String id) throws IOException {
        members.remove(id).close();
    }

    private void wipe(String id) throws IOException {
        deleteRecursively(dir.resolve(id));
    }

    private Member start(String id) throws IOException {
        Path base = dir.resolve(id);
        LogManager logs = new LogManager(base.resolve("log"), LogManagerOptions.DEFAULT);
        PartitionLog log = logs.openOrCreate(TP, LogConfig.DEFAULT.withSegmentBytes(16 << 10));
        ClusterPeer self = ClusterPeers.parse(id + "=127.0.0.1:" + ports.get(id) + ":1").require(id);
        RaftProperties properties = RaftSettings.server(base.resolve("raft"), self, TIMEOUT,
                RaftSettings.DEFAULT_ELECTION_TIMEOUT, SNAPSHOT_INTERVAL_ENTRIES);
        RaftServerConfigKeys.Log.setSegmentSizeMax(properties, SizeInBytes.valueOf(RAFT_SEGMENT_BYTES));
        RaftServerConfigKeys.Log.setPreallocatedSize(properties, SizeInBytes.valueOf(RAFT_SEGMENT_BYTES));
        RaftServer server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(id))
                .setGroup(group())
                .setStateMachine(new PartitionStateMachine(TP, tp -> Optional.of(log), Duration.ofMinutes(10),
                        1000, SNAPSHOT_INTERVAL_BYTES))
                .setProperties(properties)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        server.start();
        StalledFollowerRescue rescue = new StalledFollowerRescue(() -> List.of(GROUP), group -> division(server),
                TIMEOUT, Duration.ofSeconds(3), System::nanoTime);
        rescue.start();
        return new Member(logs, log, server, rescue);
    }

    private static Optional<RaftServer.Division> division(RaftServer server) {
        try {
            return Optional.of(server.getDivision(GROUP));
        } catch (IOException notStarted) {
            return Optional.empty();
        }
    }

    private RaftClient client() {
        return RaftClient.newBuilder().setProperties(RaftSettings.client(TIMEOUT)).setRaftGroup(group()).build();
    }

    private RaftGroup group() {
        return RaftGroup.valueOf(GROUP, IDS.stream()
                .map(id -> RaftPeer.newBuilder().setId(id).setAddress("127.0.0.1:" + ports.get(id)).build())
                .toList());
    }

    private long raftLogBytes(String id) throws IOException {
        Path current = dir.resolve(id).resolve("raft").resolve(GROUP.getUuid().toString()).resolve("current");
        try (Stream<Path> files = Files.list(current)) {
            long total = 0;
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("log_")).toList()) {
                total += Files.size(file);
            }
            return total;
        }
    }

    /** SHA-256 over every batch of the log, as stored. */
    static String digest(PartitionLog log) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            LogSlice slice = log.read(offset, 1 << 20);
            ByteBuffer bytes = ByteBuffer.allocate(slice.sizeBytes());
            try (FileChannel channel = slice.openChannel()) {
                while (bytes.hasRemaining()) {
                    channel.read(bytes, slice.position() + bytes.position());
                }
            }
            sha.update(bytes.flip());
            offset = slice.nextOffset();
        }
        return HexFormat.of().formatHex(sha.digest()) + " up to offset " + offset;
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
