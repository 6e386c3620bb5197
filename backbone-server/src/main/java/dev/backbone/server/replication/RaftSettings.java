package dev.backbone.server.replication;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * The Ratis settings of a broker's Raft server and clients, in one place with the reason for each.
 *
 * <p>Thread safety: stateless.
 */
final class RaftSettings {

    /** Below this a leader's heartbeats (every half of it) come too close together for gRPC on a busy machine. */
    static final long MIN_ELECTION_TIMEOUT_MS = 100;
    static final Duration DEFAULT_ELECTION_TIMEOUT = Duration.ofMillis(500);

    private RaftSettings() {
    }

    static RaftProperties server(Path storageDir, ClusterPeer self, Duration requestTimeout, Duration electionTimeout,
                                 long snapshotIntervalEntries) {
        RaftProperties properties = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(properties, List.of(storageDir.toFile()));
        // gRPC with one leader decision corrected: a follower whose snapshot ends just before the leader's first
        // entry is sent entries, not notified for ever (a Ratis 3.3.0 bug, see the class).
        RaftConfigKeys.Rpc.setType(properties, new SnapshotAwareGrpc());
        GrpcConfigKeys.Server.setPort(properties, self.raftPort());
        // A follower draws a wait between the two anew each time and calls an election when the leader was silent
        // for all of it, so a dead leader is noticed after one to about two waits; the leader sends heartbeats every
        // half of the minimum. Ratis's 150-300 ms deposes healthy leaders on a busy two-core machine; 1-2 s kept
        // writes stopped for 3.2 s (median) after a leader's kill (BENCHMARKS.md, "shorter elections").
        long minMillis = electionTimeout.toMillis();
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, millis(minMillis));
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, millis(2 * minMillis));
        RaftServerConfigKeys.Rpc.setRequestTimeout(properties, millis(Math.max(3000, requestTimeout.toMillis())));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, snapshotIntervalEntries);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, 2);
        RaftServerConfigKeys.Log.setSegmentSizeMax(properties, SizeInBytes.valueOf("8MB"));
        // Ratis preallocates a log segment by writing zeros ahead of the entries, and fsyncs the log after every few
        // entries: with 1 MB ahead the zeros reached the disk before the entries overwrote them, twice the Raft log's
        // bytes. 4 KB ahead writes at most one page of zeros per entry (disk bytes per payload byte per replica 2.6
        // instead of 4.4-6.3, BENCHMARKS.md "RF=3, second round"), at the price of a file size change per fsync.
        RaftServerConfigKeys.Log.setPreallocatedSize(properties, SizeInBytes.valueOf("4KB"));
        // Purge after every snapshot, up to its index, even entries a lagging or stopped follower still lacks: the Raft
        // log then holds what came since the last snapshot (bounded in entries and in bytes, see SnapshotTrigger) and
        // at most two segments more, instead of a second copy of the partition. Ratis never ships snapshot files:
        // a follower that lacks purged entries is notified and rebuilds its partition by copying the batches it
        // lacks from the leader's log (SnapshotInstallingStateMachine.notifyInstallSnapshotFromLeader).
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, true);
        RaftServerConfigKeys.Log.setPurgeGap(properties, 1);
        RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(properties, false);
        GrpcConfigKeys.setMessageSizeMax(properties, SizeInBytes.valueOf("32MB"));
        return properties;
    }

    static RaftProperties client(Duration requestTimeout) {
        RaftProperties properties = new RaftProperties();
        // Each attempt gives up soon, so that a client stuck on a paused or cut-off leader tries the other peers
        // within the request timeout; a retried attempt keeps its call id, so the leader's retry cache answers it
        // without applying it twice.
        RaftClientConfigKeys.Rpc.setRequestTimeout(properties,
                millis(Math.max(500, Math.min(2000, requestTimeout.toMillis() / 2))));
        GrpcConfigKeys.setMessageSizeMax(properties, SizeInBytes.valueOf("32MB"));
        return properties;
    }

    private static TimeDuration millis(long millis) {
        return TimeDuration.valueOf(millis, TimeUnit.MILLISECONDS);
    }
}
