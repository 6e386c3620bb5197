package dev.backbone.server.cluster;

import java.util.List;

/**
 * The cluster as one broker sees it, the body of {@code GET /v1/cluster}.
 *
 * @param nodeId         this broker's id
 * @param metadataLeader the id of the metadata group's leader (the controller), null while none is known
 * @param peers          every broker of the cluster, sorted by id
 * @param partitions     every partition of every replicated topic, by topic and number
 */
public record ClusterView(String nodeId, String metadataLeader, List<Peer> peers, List<Partition> partitions) {

    /**
     * @param id          the broker id
     * @param raftAddress {@code host:port} of its Raft server
     * @param httpUrl     the base URL of its HTTP API
     */
    public record Peer(String id, String raftAddress, String httpUrl) {
    }

    /**
     * One partition as this broker knows it. Term, commit and applied index are those of this broker's replica;
     * they are null (and the leader null) when this broker holds no replica of the partition.
     *
     * @param topic        the topic
     * @param partition    the partition number
     * @param replicas     the ids of the brokers holding a replica
     * @param leader       the id of the partition group's leader as this replica knows it, or null
     * @param term         the current Raft term, which is the leader epoch stamped on batches appended in it
     * @param endOffset    the end offset of this replica's log: what it has applied, and serves
     * @param commitIndex  the Raft commit index this replica knows
     * @param appliedIndex the Raft index this replica has applied
     */
    public record Partition(String topic, int partition, List<String> replicas, String leader, Long term,
                            long endOffset, Long commitIndex, Long appliedIndex) {
    }
}
