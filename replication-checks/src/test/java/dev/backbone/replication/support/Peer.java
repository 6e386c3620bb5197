package dev.backbone.replication.support;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One member of a cluster as {@code backbone.cluster.peers} names it: id, host, Raft port and HTTP port.
 *
 * @param id the node id ({@code [a-z0-9-]+})
 * @param host the address both ports are bound to
 * @param raftPort the Raft (gRPC) port
 * @param httpPort the HTTP port ({@code server.port})
 */
public record Peer(String id, String host, int raftPort, int httpPort) {

    private static final Pattern ID = Pattern.compile("[a-z0-9-]+");

    public Peer {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("Node id " + id + " is not [a-z0-9-]+");
        }
    }

    public String baseUrl() {
        return "http://" + host + ":" + httpPort;
    }

    /** This peer's entry in {@code backbone.cluster.peers}: {@code id=host:raftPort:httpPort}. */
    public String entry() {
        return id + "=" + host + ":" + raftPort + ":" + httpPort;
    }

    /** The value of {@code backbone.cluster.peers} for these peers. */
    public static String property(List<Peer> peers) {
        return peers.stream().map(Peer::entry).collect(Collectors.joining(","));
    }
}
