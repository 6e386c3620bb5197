package dev.backbone.server.stream;

import dev.backbone.client.batch.BatchInflater;
import dev.backbone.client.batch.RecordBatchDescriptor;
import dev.backbone.client.batch.RecordBatchHeader;
import dev.backbone.client.batch.Varints;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Walks the records of stored batches and reports each record's offset and where its key lies, without
 * copying keys or values: indexing an append costs no allocation per record. A compressed batch is walked in its
 * plain form: the one the log's validation already made, when the caller has it, else decompressed here, once,
 * whole; the key positions handed to the visitor then lie in that copy.
 *
 * <p>The batches must already have been validated (the log validates every batch before storing it), so
 * the walker trusts their framing; a framing fault still surfaces as the codec's
 * {@link dev.backbone.client.batch.InvalidBatchException}, never as an index exception. Records of control
 * batches (transaction markers) are not part of any key's stream and are skipped.
 *
 * <p>Thread safety: stateless.
 */
final class BatchKeyWalker {

    private BatchKeyWalker() {
    }

    /** Visits every record from {@code batches.position()} to {@code batches.limit()}; the buffer does not move. */
    static void walk(ByteBuffer batches, RecordVisitor visitor) throws IOException {
        walk(batches, List.of(), visitor);
    }

    /**
     * As {@link #walk(ByteBuffer, RecordVisitor)}, with compressed batches already decompressed.
     *
     * @param plainForms the plain form of the i-th batch at index i, where there is one (null or a shorter list:
     *                   the batch is decompressed here); only the records of a plain form are read, offsets come
     *                   from the stored batch
     */
    static void walk(ByteBuffer batches, List<ByteBuffer> plainForms, RecordVisitor visitor) throws IOException {
        ByteBuffer buf = batches.duplicate().order(ByteOrder.BIG_ENDIAN);
        int position = buf.position();
        int end = buf.limit();
        for (int i = 0; position < end; i++) {
            RecordBatchHeader header = RecordBatchHeader.read(buf, position);
            int batchEnd = position + header.sizeInBytes();
            if (!header.isControl()) {
                if (header.compressionCodec() == 0) {
                    buf.limit(batchEnd).position(position + RecordBatchDescriptor.RECORDS_OFFSET);
                    walkRecords(buf, header, visitor);
                    buf.limit(end);
                } else {
                    ByteBuffer plain = i < plainForms.size() && plainForms.get(i) != null
                            ? plainForms.get(i).duplicate().order(ByteOrder.BIG_ENDIAN)
                            : BatchInflater.plain(buf, position, header, BatchInflater.DEFAULT_MAX_UNCOMPRESSED_BYTES);
                    walkRecords(plain.position(RecordBatchDescriptor.RECORDS_OFFSET), header, visitor);
                }
            }
            visitor.batchEnd(header.lastOffset() + 1);
            position = batchEnd;
        }
    }

    /** Visits the records from {@code buf.position()}, which the walk moves, to {@code buf.limit()}. */
    private static void walkRecords(ByteBuffer buf, RecordBatchHeader header, RecordVisitor visitor)
            throws IOException {
        for (int i = 0; i < header.recordCount(); i++) {
            int length = Varints.readVarint(buf);
            int next = buf.position() + length;
            buf.get();
            Varints.readVarlong(buf);
            long offset = header.baseOffset() + Varints.readVarint(buf);
            int keyLength = Varints.readVarint(buf);
            if (keyLength >= 0) {
                visitor.keyedRecord(offset, buf, buf.position(), keyLength);
            }
            buf.position(next);
        }
    }

    /** Receives the records of a walk, in offset order. */
    interface RecordVisitor {

        /** A record with a key of {@code keyLength} bytes at absolute {@code keyPosition} of {@code buf}. */
        void keyedRecord(long offset, ByteBuffer buf, int keyPosition, int keyLength) throws IOException;

        /** Every record below {@code nextOffset} has been visited. */
        void batchEnd(long nextOffset) throws IOException;
    }
}
