package dev.backbone.server.audit;

/**
 * The outcome of recomputing a chain from the segment bytes.
 *
 * @param valid          whether every link matched
 * @param batches        the batches verified (when broken: those before the break)
 * @param head           the newest link verified; {@code null} when broken
 * @param brokenAtOffset the base offset of the first batch that failed; {@code null} when valid
 * @param reason         why it failed; {@code null} when valid
 * @param detail         a sentence naming file, position and values; {@code null} when valid
 * @param claim          how the claimed head, if any, fared
 */
public record ChainVerification(boolean valid, long batches, ChainHead head, Long brokenAtOffset, ChainBreak reason,
                                String detail, ChainClaim.Outcome claim) {

    static ChainVerification valid(ChainHead head, ChainClaim.Outcome claim) {
        return new ChainVerification(true, head.batches(), head, null, null, null, claim);
    }

    static ChainVerification broken(long batches, long brokenAtOffset, ChainBreak reason, String detail) {
        return new ChainVerification(false, batches, null, brokenAtOffset, reason, detail, ChainClaim.Outcome.NONE);
    }
}
