package dev.backbone.server.log;

/**
 * What one append stored: the offsets it assigned, all contiguous.
 *
 * @param firstOffset   the base offset given to the first batch
 * @param lastOffset    the offset of the last record appended
 * @param batchBaseOffsets the base offset assigned to each batch, in request order
 * @param logAppendTimeMs the broker's clock when the batches were appended
 */
public record AppendResult(long firstOffset, long lastOffset, long[] batchBaseOffsets, long logAppendTimeMs) {

    public int recordCount() {
        return (int) (lastOffset - firstOffset + 1);
    }
}
