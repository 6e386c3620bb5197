package dev.backbone.server.audit;

import java.util.Objects;

/**
 * The newest link of a partition's chain: what to copy elsewhere so later tampering shows.
 *
 * @param offset  the last offset the link covers (the newest batch's last offset); when the chain holds no
 *                batch, one below the anchor's offset, or -1 for a partition that never held one
 * @param link    the newest link ({@link ChainLink#GENESIS} for a partition that never held a batch)
 * @param batches the batches in the chain from its start (or anchor) to this head
 */
public record ChainHead(long offset, ChainLink link, long batches) {

    public ChainHead {
        Objects.requireNonNull(link, "link");
    }
}
