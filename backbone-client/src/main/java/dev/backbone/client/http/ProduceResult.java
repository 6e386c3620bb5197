package dev.backbone.client.http;

import java.util.List;

/**
 * The broker's answer to a binary produce.
 *
 * @param partition   the partition written
 * @param baseOffsets the offset of each batch's first record, in request order
 * @param firstOffset the first record's offset
 * @param lastOffset  the last record's offset
 * @param recordCount records stored (or, for a replay, stored by the first request)
 * @param replayed    true when the broker recognised a repeat and appended nothing ({@code Idempotent-Replayed})
 */
public record ProduceResult(int partition, List<Long> baseOffsets, long firstOffset, long lastOffset,
                            int recordCount, boolean replayed) {

    public ProduceResult {
        baseOffsets = List.copyOf(baseOffsets);
    }
}
