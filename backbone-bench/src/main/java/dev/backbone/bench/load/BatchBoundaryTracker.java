package dev.backbone.bench.load;

import dev.backbone.client.batch.RecordBatchDescriptor;
import java.nio.ByteBuffer;

/**
 * Follows batch boundaries in a stream of v2 batches arriving in arbitrary chunks, without copying the
 * records: only each batch's 61-byte header is gathered, the rest is skipped. This lets a consumer count
 * records and learn its next offset at the speed the bytes arrive.
 *
 * <p>It trusts the CRC to the broker and checks only that lengths are possible, so a broken stream ends
 * the run with a clear message instead of a bogus figure. Thread safety: not thread-safe; one response each.
 */
public final class BatchBoundaryTracker {

    private static final int HEADER = RecordBatchDescriptor.HEADER_SIZE;

    private final byte[] header = new byte[HEADER];
    private final ByteBuffer headerView = ByteBuffer.wrap(header);
    private int headerFill;
    private long bodyRemaining;
    private long bytes;
    private long batches;
    private long records;
    private long lastOffset = -1;

    /** Consumes the chunk's remaining bytes, leaving its position at its limit. */
    public void accept(ByteBuffer chunk) {
        while (chunk.hasRemaining()) {
            if (bodyRemaining > 0) {
                int skip = (int) Math.min(bodyRemaining, chunk.remaining());
                chunk.position(chunk.position() + skip);
                bodyRemaining -= skip;
                bytes += skip;
            } else {
                int take = Math.min(HEADER - headerFill, chunk.remaining());
                chunk.get(header, headerFill, take);
                headerFill += take;
                bytes += take;
                if (headerFill == HEADER) {
                    completeHeader();
                }
            }
        }
    }

    private void completeHeader() {
        int batchLength = headerView.getInt(RecordBatchDescriptor.BATCH_LENGTH_OFFSET);
        long batchBytes = RecordBatchDescriptor.LOG_OVERHEAD + (long) batchLength;
        if (batchBytes < HEADER) {
            throw new IllegalStateException("batch at stream byte " + (bytes - HEADER) + " has length "
                    + batchLength + ", below the header size");
        }
        long baseOffset = headerView.getLong(RecordBatchDescriptor.BASE_OFFSET_OFFSET);
        int lastOffsetDelta = headerView.getInt(RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET);
        int recordCount = headerView.getInt(RecordBatchDescriptor.RECORD_COUNT_OFFSET);
        batches++;
        records += recordCount;
        lastOffset = baseOffset + lastOffsetDelta;
        bodyRemaining = batchBytes - HEADER;
        headerFill = 0;
    }

    /** True when the bytes so far end exactly after a whole batch (or there were none). */
    public boolean atBoundary() {
        return headerFill == 0 && bodyRemaining == 0;
    }

    public long bytes() {
        return bytes;
    }

    public long batches() {
        return batches;
    }

    public long records() {
        return records;
    }

    /** One past the last record of the last batch whose header was seen, or -1 before any batch. */
    public long nextOffset() {
        return lastOffset < 0 ? -1 : lastOffset + 1;
    }
}
