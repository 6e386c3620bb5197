package dev.backbone.client.http;

import java.util.List;

/**
 * The answer to a binary fetch of one partition.
 *
 * @param topic       the topic
 * @param partition   the partition
 * @param records     the records from the requested offset on (records before it in the first batch are left
 *                    out), possibly none
 * @param nextOffset  the offset to fetch next
 * @param startOffset the log start offset at the time of the answer
 * @param endOffset   the end offset (one past the last record) at the time of the answer
 */
public record FetchResult(String topic, int partition, List<ConsumedRecord> records, long nextOffset,
                          long startOffset, long endOffset) {

    public FetchResult {
        records = List.copyOf(records);
    }
}
