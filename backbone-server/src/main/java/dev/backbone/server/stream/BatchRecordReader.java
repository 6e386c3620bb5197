package dev.backbone.server.stream;

import dev.backbone.client.batch.BatchInflater;
import dev.backbone.client.batch.Header;
import dev.backbone.client.batch.InvalidBatchException;
import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.RecordBatchDescriptor;
import dev.backbone.client.batch.RecordBatchHeader;
import dev.backbone.client.batch.Varints;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the one record at a given offset out of a stored batch, skipping the other records' bytes without
 * allocating: a key read needs one record of a batch that may hold a thousand. A compressed batch is
 * decompressed whole first (its codec cannot seek), which is why the key index pays off most on uncompressed
 * topics.
 *
 * <p>Timestamps follow the codec's decoder: base timestamp plus delta, or the batch's max timestamp for
 * log-append-time batches. The batch's CRC is not checked again here: the log validated the batch when it was
 * appended and recovery validates what it did not fsync. Every length is still checked against the batch's
 * bytes, and a fault is an {@link InvalidBatchException}.
 *
 * <p>Thread safety: stateless.
 */
final class BatchRecordReader {

    private BatchRecordReader() {
    }

    /**
     * @param batch one whole batch from position 0; not moved
     * @return the record, or null when the batch holds no record with that offset
     */
    static Record recordAt(ByteBuffer batch, long offset) {
        ByteBuffer buf = batch.duplicate().order(ByteOrder.BIG_ENDIAN);
        RecordBatchHeader header = RecordBatchHeader.read(buf, 0);
        if (header.sizeInBytes() > buf.limit() || offset < header.baseOffset() || offset > header.lastOffset()) {
            return null;
        }
        if (header.compressionCodec() != 0) {
            buf = BatchInflater.plain(buf, 0, header, BatchInflater.DEFAULT_MAX_UNCOMPRESSED_BYTES);
        }
        buf.limit(buf.getInt(RecordBatchDescriptor.BATCH_LENGTH_OFFSET) + RecordBatchDescriptor.LOG_OVERHEAD)
                .position(RecordBatchDescriptor.RECORDS_OFFSET);
        for (int i = 0; i < header.recordCount(); i++) {
            int length = Varints.readVarint(buf);
            if (length < 0 || length > buf.remaining()) {
                throw malformed("record " + i + " claims " + length + " bytes but " + buf.remaining() + " remain");
            }
            int next = buf.position() + length;
            buf.get();
            long timestampDelta = Varints.readVarlong(buf);
            long recordOffset = header.baseOffset() + Varints.readVarint(buf);
            if (recordOffset == offset) {
                long timestamp = header.isLogAppendTime() ? header.maxTimestamp()
                        : header.baseTimestamp() + timestampDelta;
                byte[] key = bytes(buf, true, "key");
                byte[] value = bytes(buf, true, "value");
                int headerCount = Varints.readVarint(buf);
                if (headerCount < 0 || headerCount > buf.remaining()) {
                    throw malformed("record at offset " + offset + " claims " + headerCount + " headers");
                }
                List<Header> headers = headerCount == 0 ? List.of() : new ArrayList<>(headerCount);
                for (int h = 0; h < headerCount; h++) {
                    byte[] headerKey = bytes(buf, false, "header key");
                    headers.add(new Header(new String(headerKey, StandardCharsets.UTF_8), bytes(buf, true,
                            "header value")));
                }
                return new Record(offset, timestamp, key, value, headers);
            }
            buf.position(next);
        }
        return null;
    }

    private static byte[] bytes(ByteBuffer buf, boolean nullable, String what) {
        int length = Varints.readVarint(buf);
        if (length == -1 && nullable) {
            return null;
        }
        if (length < 0 || length > buf.remaining()) {
            throw malformed(what + " length " + length + " does not fit the " + buf.remaining() + " bytes left");
        }
        byte[] bytes = new byte[length];
        buf.get(bytes);
        return bytes;
    }

    private static InvalidBatchException malformed(String message) {
        return new InvalidBatchException(InvalidBatchException.Reason.MALFORMED, -1, message);
    }
}
