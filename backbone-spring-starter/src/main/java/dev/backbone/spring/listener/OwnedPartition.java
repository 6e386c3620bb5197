package dev.backbone.spring.listener;

/**
 * A partition a group member owns: when it may be processed, how far it was handled and committed, and whether that
 * position is one the member may read from directly.
 *
 * <p>Thread-safety: the positions are volatile; the processing thread writes them, the heartbeat thread and the
 * registry read them.
 */
final class OwnedPartition {

    /** Until then another member may still be finishing a record of this partition. */
    final long processableAtNanos;

    /** The next offset to handle. */
    volatile long position;

    /** The offset last committed. */
    volatile long committed;

    /**
     * Whether {@link #position} came from the group's committed offset or from records read, so that a binary read
     * may start there. Without a commit the group fetch finds the start (the log start offset) first.
     */
    volatile boolean positionKnown;

    /**
     * Set before the partition leaves the member's map (revoked, or the membership lost): the check a member makes
     * before every record, as cheap as a field read.
     */
    volatile boolean revoked;

    OwnedPartition(long processableAtNanos, long committed, boolean positionKnown) {
        this.processableAtNanos = processableAtNanos;
        this.committed = committed;
        this.position = committed;
        this.positionKnown = positionKnown;
    }

    /** Whether the member may read and process this partition now (its hold after a rebalance has passed). */
    boolean processable(long nowNanos) {
        return nowNanos - processableAtNanos >= 0;
    }
}
