package dev.backbone.client.http;

import java.util.List;

/**
 * The answer to a group fetch: every assigned partition, with or without records.
 *
 * @param generation the group's generation when the fetch was answered; a change means a rebalance
 * @param partitions one entry per partition the member owns in that generation
 */
public record GroupFetchResult(int generation, List<PartitionRecords> partitions) {

    public GroupFetchResult {
        partitions = List.copyOf(partitions);
    }

    /** The number of records over all partitions. */
    public int recordCount() {
        int n = 0;
        for (PartitionRecords p : partitions) {
            n += p.records().size();
        }
        return n;
    }
}
