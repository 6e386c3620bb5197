package dev.backbone.server.audit;

/** Why a chain failed verification; the slug is public API (it appears in verify answers). */
public enum ChainBreak {
    LINK_MISMATCH("link-mismatch", "the batch's bytes or its chain entry changed: the recomputed link differs"),
    ENTRY_MISMATCH("entry-mismatch", "the chain entry does not describe the batch found at its place in the segment"),
    ENTRY_CORRUPT("entry-corrupt", "the chain entry's own CRC does not match"),
    MISSING_ENTRY("missing-entry", "the segment holds a batch the chain has no entry for"),
    EXTRA_ENTRY("extra-entry", "the chain has an entry for a batch the segment does not hold"),
    OFFSET_GAP("offset-gap", "the batch does not start where the previous one (or the anchor) ended"),
    TORN_BATCH("torn-batch", "the segment's bytes do not frame whole batches"),
    MISSING_SEGMENT("missing-segment", "a segment file the chain covers is gone"),
    ANCHOR_CORRUPT("anchor-corrupt", "the chain anchor file is damaged"),
    CLAIM_MISMATCH("claim-mismatch", "the chain has no batch ending at the claimed offset with the claimed link");

    private final String slug;
    private final String description;

    ChainBreak(String slug, String description) {
        this.slug = slug;
        this.description = description;
    }

    public String slug() {
        return slug;
    }

    public String description() {
        return description;
    }
}
