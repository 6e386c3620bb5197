package dev.backbone.server.config;

import java.time.Duration;
import org.springframework.util.unit.DataSize;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of replication, under {@code backbone.cluster}. Without {@code peers} the broker runs alone, exactly as
 * a single node always has, and nothing of replication is started.
 *
 * <p>Thread safety: bound once at start-up, then only read.
 */
@ConfigurationProperties("backbone.cluster")
public class ClusterProperties {

    /** This broker's id; one of the ids in {@code peers}. */
    private String nodeId;

    /**
     * The brokers of the cluster, {@code <id>=<host>:<raftPort>:<httpPort>} separated by commas. Unset: single-node
     * mode.
     */
    private String peers;

    /** Replicas of each partition; capped at the number of peers. */
    private int replicationFactor = 3;

    /** How long a produce or topic change waits for a leader before it is answered 503 no-leader. */
    private Duration requestTimeout = Duration.ofSeconds(5);

    /**
     * How long a follower hears nothing from its group's leader before it calls an election: a random time between
     * this and twice this, drawn anew for every wait. Writes resume after a leader's death within about twice this
     * plus the election; too short and a pause of a healthy leader (GC, a starved CPU) costs an election.
     */
    private Duration electionTimeout = Duration.ofMillis(500);

    /**
     * Raft entries a partition's group applies between two snapshots; each snapshot fsyncs the partition log, so that
     * a restart applies again only the entries after it.
     */
    private long snapshotIntervalEntries = 512;

    /**
     * Bytes of Raft entries a partition's group applies between two snapshots, whatever their number. After each
     * snapshot Ratis deletes the Raft log it covers, so this and the entry interval bound each group's Raft log.
     */
    private DataSize snapshotIntervalBytes = DataSize.ofMegabytes(16);

    public String getNodeId() {
        return nodeId;
    }

    public void setNodeId(String nodeId) {
        this.nodeId = nodeId;
    }

    public String getPeers() {
        return peers;
    }

    public void setPeers(String peers) {
        this.peers = peers;
    }

    public int getReplicationFactor() {
        return replicationFactor;
    }

    public void setReplicationFactor(int replicationFactor) {
        this.replicationFactor = replicationFactor;
    }

    public long getSnapshotIntervalEntries() {
        return snapshotIntervalEntries;
    }

    public void setSnapshotIntervalEntries(long snapshotIntervalEntries) {
        this.snapshotIntervalEntries = snapshotIntervalEntries;
    }

    public DataSize getSnapshotIntervalBytes() {
        return snapshotIntervalBytes;
    }

    public void setSnapshotIntervalBytes(DataSize snapshotIntervalBytes) {
        this.snapshotIntervalBytes = snapshotIntervalBytes;
    }

    public Duration getElectionTimeout() {
        return electionTimeout;
    }

    public void setElectionTimeout(Duration electionTimeout) {
        this.electionTimeout = electionTimeout;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }
}
