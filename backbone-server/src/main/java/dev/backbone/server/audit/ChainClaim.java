package dev.backbone.server.audit;

import java.util.Objects;

/**
 * A head recorded earlier (from the chain endpoint) that a verification should find in the chain: the batch
 * ending at {@code offset} must have {@code link}. This is what makes rewriting the segments and the chain
 * together detectable.
 */
public record ChainClaim(long offset, ChainLink link) {

    public ChainClaim {
        Objects.requireNonNull(link, "link");
    }

    /** How a claim fared. */
    public enum Outcome {
        /** No claim was given. */
        NONE,
        /** The chain has the claimed link at the claimed offset. */
        MATCHED,
        /** The claimed offset lies before the oldest link still kept (retention deleted it); not checkable. */
        DELETED
    }
}
