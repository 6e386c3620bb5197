package dev.backbone.replication.history;

/**
 * One violation of what a replicated log promises, with the facts that show it.
 *
 * @param kind which promise
 * @param partition the partition
 * @param offset the offset concerned
 * @param detail what was seen, in words
 */
public record Anomaly(Kind kind, int partition, long offset, String detail) {

    /** The Jepsen Kafka anomaly classes this project checks for. */
    public enum Kind {
        /** An acknowledged record is not in the final read, though the final read reaches past its offset. */
        LOST_WRITE,
        /** Two different values observed at one offset (by acknowledgements and reads together). */
        INCONSISTENT_OFFSET,
        /** A poll returned offsets that go backwards or repeat, or told the client to go back. */
        NONMONOTONIC_POLL,
        /** A poll skipped offsets: a gap between the asked-for offset and the records, or within them. */
        SKIPPED_POLL,
        /** A record that a poll returned is no longer at its offset in the final read. */
        VANISHED_READ,
        /** An acknowledged record was not readable within 30 s of healing every fault. */
        UNREADABLE_AFTER_HEAL,
        /** A write sent with an idempotency key (and retried under it) is in the log at more than one offset. */
        DUPLICATE
    }

    @Override
    public String toString() {
        return kind + " p" + partition + "@" + offset + ": " + detail;
    }
}
