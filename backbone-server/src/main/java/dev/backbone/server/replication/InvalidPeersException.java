package dev.backbone.server.replication;

/** The {@code backbone.cluster.peers} list or {@code node-id} cannot be used; the broker does not start. */
public final class InvalidPeersException extends IllegalArgumentException {

    public InvalidPeersException(String message) {
        super(message);
    }
}
