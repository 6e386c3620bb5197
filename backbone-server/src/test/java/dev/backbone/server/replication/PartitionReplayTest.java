package dev.backbone.server.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.client.batch.RecordBatchDecoder;
import dev.backbone.client.batch.RecordBatchDescriptor;
import dev.backbone.server.log.AppendObserver;
import dev.backbone.server.log.AppendRequestId;
import dev.backbone.server.log.AppendResult;
import dev.backbone.server.log.LogConfig;
import dev.backbone.server.log.LogManager;
import dev.backbone.server.log.LogManagerOptions;
import dev.backbone.server.log.LogSlice;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partition's replica restarted after a crash applies again, through a real (one-member) Ratis group, the entries
 * after its last snapshot, among them a conditional append answered "moved", batches refused for a bad CRC, and an
 * entry of three batches of which the crash left only the first in the partition log. Every entry must be decided
 * as it was the first time: the log ends up holding each appended record once, in commit order, at the offset its
 * acknowledgement named, and takes new appends after it. Requests appended once (idempotency keys) before and after
 * the snapshot are still answered as repeats after the restart. Seeded; the seed is printed.
 */
class PartitionReplayTest {

    private static final TopicPartition TP = new TopicPartition("replayed", 0);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final AppendRequestId BEFORE_SNAPSHOT = new AppendRequestId("k-1", new byte[] {1, 2, 3});
    private static final AppendRequestId AFTER_SNAPSHOT = new AppendRequestId("k-2", new byte[] {4, 5});

    @TempDir
    Path dir;

    private final List<String> expected = new ArrayList<>();
    private long entries;
    private Random random;
    private int port;

    @Test
    void entriesAfterTheSnapshotAreDecidedAgainAsTheFirstTime() throws Exception {
        long seed = System.nanoTime();
        System.out.println("PartitionReplayTest seed " + seed);
        random = new Random(seed);
        port = freePort();
        Path logDir = dir.resolve("log");
        Path raftDir = dir.resolve("raft");
        StoredBatches stored = new StoredBatches();

        LogManager logs = new LogManager(logDir, LogManagerOptions.DEFAULT);
        PartitionLog log = logs.openOrCreate(TP, LogConfig.DEFAULT.withSegmentBytes(4096));
        log.addAppendObserver(stored);
        RaftServer server = start(raftDir, log);
        long lastEntryBatchOne;
        AppendResult beforeSnapshot;
        AppendResult afterSnapshot;
        try (RaftClient client = client()) {
            for (int i = 0; i < 3 + random.nextInt(4); i++) {
                appendAny(client, 1 + random.nextInt(3));
            }
            beforeSnapshot = appendOnce(client, BEFORE_SNAPSHOT, 2);
            RaftClientReply snapshot = client.getSnapshotManagementApi().create(true, TIMEOUT.toMillis());
            assertThat(snapshot.isSuccess()).as("snapshot %s", snapshot).isTrue();
            assertThat(snapshot.getLogIndex()).isPositive();

            appendAny(client, 2);
            assertThat(status(send(client, log.logEndOffset() + 1 + random.nextInt(5), batchesOf(1, "moved"))))
                    .isEqualTo(PartitionEntryDescriptor.MOVED);
            assertThat(status(send(client, PartitionEntryDescriptor.ANY_OFFSET, corrupted(batchesOf(2, "bad")))))
                    .isEqualTo(PartitionEntryDescriptor.REFUSED);
            appendExpecting(client, log.logEndOffset(), 2);
            afterSnapshot = appendOnce(client, AFTER_SNAPSHOT, 1);
            assertDuplicate(client, BEFORE_SNAPSHOT, beforeSnapshot);
            for (int i = 0; i < 1 + random.nextInt(4); i++) {
                appendAny(client, 1 + random.nextInt(3));
            }
            assertThat(status(send(client, 0, batchesOf(1, "moved-too")))).isEqualTo(PartitionEntryDescriptor.MOVED);
            int firstBatchRecords = 1 + random.nextInt(3);
            ByteBuffer lastEntry = RecordBatchBuilder.concat(List.of(batchesOf(firstBatchRecords, "torn"),
                    batchesOf(2, "torn"), batchesOf(1, "torn")));
            AppendResult last = appended(send(client, PartitionEntryDescriptor.ANY_OFFSET, lastEntry));
            assertThat(last.batchBaseOffsets()).hasSize(3);
            lastEntryBatchOne = stored.last().filePosition() + batchSize(lastEntry, 0);
        }
        int lost = 3;

        // The crash: the Raft server stops without a snapshot, and the partition log loses the last two batches
        // of the last entry, which no fsync had made durable.
        server.close();
        logs.close();
        Files.delete(logDir.resolve(".clean-shutdown"));
        Path segmentFile = log.directory().resolve(String.format("%020d.log", stored.last().segmentBase()));
        try (FileChannel segment = FileChannel.open(segmentFile, StandardOpenOption.WRITE)) {
            segment.truncate(lastEntryBatchOne);
        }

        logs = new LogManager(logDir, LogManagerOptions.DEFAULT);
        log = logs.openOrCreate(TP, LogConfig.DEFAULT.withSegmentBytes(4096));
        assertThat(log.logEndOffset()).as("the crash cut the last entry").isEqualTo(expected.size() - lost);
        server = start(raftDir, log);
        try (RaftClient client = client()) {
            appendExpecting(client, expected.size(), 1);
            assertDuplicate(client, BEFORE_SNAPSHOT, beforeSnapshot);
            assertDuplicate(client, AFTER_SNAPSHOT, afterSnapshot);
            AppendRequestId reused = new AppendRequestId(AFTER_SNAPSHOT.key(), new byte[] {9});
            assertThat(status(send(client, reused, batchesOf(1, "bad"))))
                    .isEqualTo(PartitionEntryDescriptor.KEY_REUSED);
            assertThat(readAll(log)).containsExactlyElementsOf(expected);
        } finally {
            server.close();
            logs.close();
        }
    }

    /** Appends {@code records} records unconditionally and checks the acknowledged offsets. */
    private void appendAny(RaftClient client, int records) throws IOException {
        appendExpecting(client, PartitionEntryDescriptor.ANY_OFFSET, records);
    }

    /** Appends {@code records} records once for {@code request}, checking the offsets. */
    private AppendResult appendOnce(RaftClient client, AppendRequestId request, int records) throws IOException {
        AppendResult result = appended(send(client, request, batchesOf(records, "value")));
        assertThat(result.firstOffset()).isEqualTo(expected.size() - records);
        return result;
    }

    /** A repeat of {@code request} is answered with what its first append stored and appends nothing. */
    private void assertDuplicate(RaftClient client, AppendRequestId request, AppendResult first) throws IOException {
        ByteBuffer reply = send(client, request, batchesOf(1, "bad"));
        assertThat(status(reply)).isEqualTo(PartitionEntryDescriptor.DUPLICATE);
        AppendResult repeated = PartitionEntryDescriptor.appendResult(reply);
        assertThat(repeated.firstOffset()).isEqualTo(first.firstOffset());
        assertThat(repeated.lastOffset()).isEqualTo(first.lastOffset());
        assertThat(repeated.batchBaseOffsets()).containsExactly(first.batchBaseOffsets());
    }

    private ByteBuffer send(RaftClient client, AppendRequestId request, ByteBuffer batches) throws IOException {
        return send(PartitionEntryDescriptor.append(PartitionEntryDescriptor.ANY_OFFSET, 1_700_000_000_000L
                + entries + 1, request, batches), client);
    }

    private void appendExpecting(RaftClient client, long expectedOffset, int records) throws IOException {
        AppendResult result = appended(send(client, expectedOffset, batchesOf(records, "value")));
        assertThat(result.firstOffset()).isEqualTo(expected.size() - records);
        assertThat(result.lastOffset()).isEqualTo(expected.size() - 1);
    }

    /** A batch of {@code records} records named after the entry, added to what the log must hold if appended. */
    private ByteBuffer batchesOf(int records, String what) {
        RecordBatchBuilder builder = new RecordBatchBuilder();
        for (int i = 0; i < records; i++) {
            String value = what + " " + entries + "/" + i + " " + "x".repeat(random.nextInt(200));
            builder.add(1_000L + entries, null, value.getBytes(StandardCharsets.UTF_8));
            if (!what.startsWith("moved") && !what.equals("bad")) {
                expected.add(value);
            }
        }
        return builder.build();
    }

    private static ByteBuffer corrupted(ByteBuffer batches) {
        int crcPosition = batches.position() + RecordBatchDescriptor.CRC_OFFSET;
        batches.putInt(crcPosition, batches.getInt(crcPosition) ^ 0x5a5a5a5a);
        return batches;
    }

    private ByteBuffer send(RaftClient client, long expectedOffset, ByteBuffer batches) throws IOException {
        return send(PartitionEntryDescriptor.append(expectedOffset, 1_700_000_000_000L + entries + 1, batches),
                client);
    }

    private ByteBuffer send(ByteString entry, RaftClient client) throws IOException {
        entries++;
        RaftClientReply reply = client.io().send(Message.valueOf(entry));
        assertThat(reply.isSuccess()).as("reply %s", reply).isTrue();
        return reply.getMessage().getContent().asReadOnlyByteBuffer();
    }

    private static byte status(ByteBuffer reply) {
        return reply.get(reply.position());
    }

    private static AppendResult appended(ByteBuffer reply) {
        assertThat(status(reply)).isEqualTo(PartitionEntryDescriptor.APPENDED);
        return PartitionEntryDescriptor.appendResult(reply);
    }

    private static int batchSize(ByteBuffer batches, int position) {
        return RecordBatchDescriptor.LOG_OVERHEAD + batches.getInt(batches.position() + position
                + RecordBatchDescriptor.BATCH_LENGTH_OFFSET);
    }

    private RaftServer start(Path raftDir, PartitionLog log) throws IOException {
        ClusterPeer self = ClusterPeers.parse("p0=127.0.0.1:" + port + ":1").require("p0");
        RaftProperties properties = RaftSettings.server(raftDir, self, TIMEOUT,
                RaftSettings.DEFAULT_ELECTION_TIMEOUT, Long.MAX_VALUE);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, false);
        RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(properties, false);
        RaftServer server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf("p0"))
                .setGroup(group())
                .setStateMachine(new PartitionStateMachine(TP, tp -> Optional.of(log), Duration.ofMinutes(10),
                        1000))
                .setProperties(properties)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        server.start();
        return server;
    }

    private RaftClient client() {
        return RaftClient.newBuilder().setProperties(RaftSettings.client(TIMEOUT)).setRaftGroup(group()).build();
    }

    private RaftGroup group() {
        return RaftGroup.valueOf(RaftGroupIds.partition(TP),
                RaftPeer.newBuilder().setId("p0").setAddress("127.0.0.1:" + port).build());
    }

    private static List<String> readAll(PartitionLog log) throws IOException {
        List<String> values = new ArrayList<>();
        long offset = 0;
        while (offset < log.logEndOffset()) {
            LogSlice slice = log.read(offset, 1 << 20);
            ByteBuffer bytes = ByteBuffer.allocate(slice.sizeBytes());
            try (FileChannel channel = slice.openChannel()) {
                channel.read(bytes, slice.position());
            }
            for (Record record : RecordBatchDecoder.decodeAll(bytes.flip())) {
                assertThat(record.offset()).as("offset of record %s", values.size()).isEqualTo(values.size());
                values.add(new String(record.value(), StandardCharsets.UTF_8));
            }
            offset = slice.nextOffset();
        }
        return values;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Where each append's bytes went: the last one is the entry the crash tears. */
    private static final class StoredBatches implements AppendObserver {
        private volatile Stored last;

        record Stored(long segmentBase, long filePosition) {
        }

        @Override
        public void onAppend(TopicPartition tp, long segmentBaseOffset, long filePosition, ByteBuffer storedBatches) {
            last = new Stored(segmentBaseOffset, filePosition);
        }

        Stored last() {
            return last;
        }
    }
}
