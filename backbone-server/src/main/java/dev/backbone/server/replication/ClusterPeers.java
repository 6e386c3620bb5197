package dev.backbone.server.replication;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The static list of brokers forming the cluster, parsed from one string so that an environment variable can carry
 * it: {@code <id>=<host>:<raftPort>:<httpPort>[,...]}, e.g.
 * {@code b0=10.0.0.1:9870:8080,b1=10.0.0.2:9870:8080,b2=10.0.0.3:9870:8080}. Blanks around entries are ignored.
 * A host may be an IPv6 literal in brackets ({@code b0=[::1]:9870:8080}).
 *
 * <p>Peers are kept sorted by id: replica placement and every other choice made from the list must come out the same
 * on every broker, whatever order each one's configuration lists them in.
 *
 * <p>Thread safety: immutable.
 */
public final class ClusterPeers {

    private final List<ClusterPeer> peers;

    private ClusterPeers(List<ClusterPeer> peers) {
        this.peers = List.copyOf(peers);
    }

    /**
     * @throws InvalidPeersException when the list is empty, an entry is malformed, or an id appears twice
     */
    public static ClusterPeers parse(String list) {
        if (list == null || list.isBlank()) {
            throw new InvalidPeersException("the peer list is empty");
        }
        List<ClusterPeer> peers = new ArrayList<>();
        for (String entry : list.split(",")) {
            ClusterPeer peer = parseEntry(entry.trim());
            if (peers.stream().anyMatch(p -> p.id().equals(peer.id()))) {
                throw new InvalidPeersException("peer id '" + peer.id() + "' appears twice in '" + list + "'");
            }
            peers.add(peer);
        }
        peers.sort(Comparator.comparing(ClusterPeer::id));
        return new ClusterPeers(peers);
    }

    private static ClusterPeer parseEntry(String entry) {
        int equals = entry.indexOf('=');
        int httpColon = entry.lastIndexOf(':');
        int raftColon = httpColon < 0 ? -1 : entry.lastIndexOf(':', httpColon - 1);
        if (equals < 1 || raftColon <= equals + 1) {
            throw new InvalidPeersException("peer entry '" + entry + "' is not <id>=<host>:<raftPort>:<httpPort>");
        }
        String host = entry.substring(equals + 1, raftColon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new ClusterPeer(entry.substring(0, equals), host, port(entry, entry.substring(raftColon + 1, httpColon)),
                port(entry, entry.substring(httpColon + 1)));
    }

    private static int port(String entry, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new InvalidPeersException("peer entry '" + entry + "' has port '" + text + "', not a number");
        }
    }

    /** Every peer, sorted by id. */
    public List<ClusterPeer> all() {
        return Collections.unmodifiableList(peers);
    }

    public int size() {
        return peers.size();
    }

    public Optional<ClusterPeer> find(String id) {
        return peers.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /** @throws InvalidPeersException when {@code id} is not one of the peers */
    public ClusterPeer require(String id) {
        return find(id).orElseThrow(() -> new InvalidPeersException("node id '" + id + "' is not one of the peers "
                + peers.stream().map(ClusterPeer::id).toList()));
    }

    @Override
    public String toString() {
        return peers.toString();
    }
}
