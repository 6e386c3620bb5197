package dev.backbone.client.http;

/**
 * The report of a chain verification.
 *
 * @param valid          true when every link recomputes (and the claim, if any, was found)
 * @param batches        batches verified (before the break, when invalid)
 * @param head           the head verified up to (when valid), else null
 * @param claim          {@code matched} or {@code deleted} when a claim was sent, else null
 * @param brokenAtOffset where the chain breaks, when invalid, else null
 * @param reason         a stable slug such as {@code link-mismatch}, when invalid, else null
 * @param detail         file, position and values of the failure, when invalid, else null
 */
public record ChainVerification(boolean valid, long batches, ChainHead head, String claim, Long brokenAtOffset,
                                String reason, String detail) {
}
