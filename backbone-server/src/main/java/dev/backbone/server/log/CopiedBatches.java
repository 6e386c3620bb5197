package dev.backbone.server.log;

import dev.backbone.client.batch.RecordBatchDescriptor;
import java.nio.ByteBuffer;

/**
 * Checks on batches copied as they are from another replica, before they are validated and appended.
 *
 * <p>Thread safety: stateless.
 */
final class CopiedBatches {

    private CopiedBatches() {
    }

    /**
     * The base offset of the first batch, after checking that each batch starts where the one before ended (by
     * the framing alone; the append validates each batch in full).
     *
     * @throws CopiedBatchesMismatchException when a batch does not start where the one before ended
     */
    static long checkContiguous(TopicPartition tp, ByteBuffer batches) {
        int position = batches.position();
        long first = -1;
        long next = -1;
        while (batches.limit() - position >= RecordBatchDescriptor.HEADER_SIZE) {
            long base = batches.getLong(position + RecordBatchDescriptor.BASE_OFFSET_OFFSET);
            if (first < 0) {
                first = base;
            } else if (base != next) {
                throw new CopiedBatchesMismatchException(tp, base, next);
            }
            next = base + batches.getInt(position + RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET) + 1L;
            int size = RecordBatchDescriptor.LOG_OVERHEAD
                    + batches.getInt(position + RecordBatchDescriptor.BATCH_LENGTH_OFFSET);
            if (size <= RecordBatchDescriptor.LOG_OVERHEAD) {
                break;
            }
            position += size;
        }
        return first;
    }
}
