package dev.backbone.server.replication;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * One broker of the cluster as the static peer list names it: its id, the host both its ports listen on, its Raft
 * (gRPC) port and its HTTP port.
 *
 * @param id       the broker id, {@code [a-z0-9-]+}; it is also the Raft peer id
 * @param host     a host name or IP address reachable from every other broker
 * @param raftPort the port of this broker's Raft server, which hosts the metadata group and its partition groups
 * @param httpPort the port of this broker's HTTP API ({@code server.port})
 */
public record ClusterPeer(String id, String host, int raftPort, int httpPort) {

    private static final Pattern ID = Pattern.compile("[a-z0-9-]+");

    public ClusterPeer {
        if (id == null || !ID.matcher(id).matches()) {
            throw new InvalidPeersException("the peer id '" + id + "' must match [a-z0-9-]+");
        }
        if (host == null || host.isBlank()) {
            throw new InvalidPeersException("peer '" + id + "' has no host");
        }
        checkPort(id, "Raft", raftPort);
        checkPort(id, "HTTP", httpPort);
    }

    /** {@code host:raftPort}, the address Ratis dials. */
    public String raftAddress() {
        return host + ":" + raftPort;
    }

    /** The base URL of this broker's HTTP API, which redirects and the cluster view name. */
    public URI httpUrl() {
        String literal = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return URI.create("http://" + literal + ":" + httpPort);
    }

    private static void checkPort(String id, String which, int port) {
        if (port < 1 || port > 65535) {
            throw new InvalidPeersException("peer '" + id + "' has " + which + " port " + port
                    + ", which is not between 1 and 65535");
        }
    }
}
