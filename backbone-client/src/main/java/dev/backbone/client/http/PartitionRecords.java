package dev.backbone.client.http;

import java.util.List;

/**
 * One assigned partition's share of a group fetch.
 *
 * @param topic      the topic
 * @param partition  the partition
 * @param records    its records, possibly none
 * @param nextOffset the offset to continue at (and to commit once the records are processed)
 * @param endOffset  the partition's end offset at the time of the answer
 */
public record PartitionRecords(String topic, int partition, List<ConsumedRecord> records, long nextOffset,
                               long endOffset) {

    public PartitionRecords {
        records = List.copyOf(records);
    }

    /** Records not yet fetched: {@code endOffset - nextOffset}. */
    public long lag() {
        return Math.max(0, endOffset - nextOffset);
    }
}
