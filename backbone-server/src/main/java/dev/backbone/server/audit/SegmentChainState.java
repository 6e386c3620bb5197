package dev.backbone.server.audit;

/**
 * What a partition chain knows of one segment's chain file: how many entries it has, where the last covered
 * batch ends, the link before the segment and the last link (the previous link of the next segment's first
 * batch).
 *
 * <p>Thread safety: none; guarded by the owning {@link PartitionChain}'s lock.
 */
final class SegmentChainState {

    final long baseOffset;
    /** The link before this segment's first batch (the previous segment's last link, the anchor, or genesis). */
    final ChainLink startLink;
    /** The last offset before this segment's first batch, -1 when unknown. */
    final long startLastOffset;
    int entryCount;
    long endPosition;
    /** The link of this segment's last batch, or {@link #startLink} when it has none. */
    ChainLink lastLink;
    /** The last offset of this segment's last batch, or {@link #startLastOffset} when it has none. */
    long lastOffset;

    SegmentChainState(long baseOffset, ChainLink startLink, long startLastOffset) {
        this.baseOffset = baseOffset;
        this.startLink = startLink;
        this.startLastOffset = startLastOffset;
        this.lastLink = startLink;
        this.lastOffset = startLastOffset;
    }

    /** Points the state at entry {@code count - 1} (or at the segment start when {@code count == 0}). */
    void resetTo(int count, ChainEntry last) {
        entryCount = count;
        endPosition = count == 0 ? 0 : last.endPosition();
        lastLink = count == 0 ? startLink : last.link();
        lastOffset = count == 0 ? startLastOffset : last.lastOffset();
    }
}
