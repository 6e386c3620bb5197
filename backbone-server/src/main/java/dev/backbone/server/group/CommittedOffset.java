package dev.backbone.server.group;

import java.util.Objects;

/**
 * One committed position of a group in one partition.
 *
 * @param offset            the next offset the group will consume (Kafka's convention: one past the last processed)
 * @param metadata          free text the committer attached, "" if none
 * @param commitTimestampMs when the broker accepted the commit
 * @param generation        the group generation the commit was made in
 * @param memberId          the member that committed
 * @param logOffset         the offset of the record in the offsets topic that holds this commit; a later record
 *                          for the same key wins
 */
public record CommittedOffset(long offset, String metadata, long commitTimestampMs, int generation, String memberId,
                              long logOffset) {

    public CommittedOffset {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, was " + offset);
        }
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(memberId, "memberId");
    }
}
