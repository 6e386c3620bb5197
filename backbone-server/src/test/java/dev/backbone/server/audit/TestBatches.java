package dev.backbone.server.audit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import dev.backbone.client.batch.RecordBatchDescriptor;

/** Builds v2 batches of simple records (no key, no headers) for chain tests. */
final class TestBatches {

    private TestBatches() {
    }

    /** A batch of {@code values.length} records with base offset 0 and leader epoch -1, CRC set. */
    static ByteBuffer batch(long timestampMs, byte[]... values) {
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        for (int i = 0; i < values.length; i++) {
            ByteArrayOutputStream record = new ByteArrayOutputStream();
            record.write(0); // attributes
            varlong(record, 0); // timestamp delta
            varlong(record, i); // offset delta
            varlong(record, -1); // null key
            varlong(record, values[i].length);
            record.writeBytes(values[i]);
            varlong(record, 0); // no headers
            varlong(records, record.size());
            records.writeBytes(record.toByteArray());
        }
        int size = RecordBatchDescriptor.RECORDS_OFFSET + records.size();
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.putLong(RecordBatchDescriptor.BASE_OFFSET_OFFSET, 0);
        buf.putInt(RecordBatchDescriptor.BATCH_LENGTH_OFFSET, size - RecordBatchDescriptor.LOG_OVERHEAD);
        buf.putInt(RecordBatchDescriptor.PARTITION_LEADER_EPOCH_OFFSET, -1);
        buf.put(RecordBatchDescriptor.MAGIC_OFFSET, RecordBatchDescriptor.MAGIC_V2);
        buf.putShort(RecordBatchDescriptor.ATTRIBUTES_OFFSET, (short) 0);
        buf.putInt(RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET, values.length - 1);
        buf.putLong(RecordBatchDescriptor.BASE_TIMESTAMP_OFFSET, timestampMs);
        buf.putLong(RecordBatchDescriptor.MAX_TIMESTAMP_OFFSET, timestampMs);
        buf.putLong(RecordBatchDescriptor.PRODUCER_ID_OFFSET, -1);
        buf.putShort(RecordBatchDescriptor.PRODUCER_EPOCH_OFFSET, (short) -1);
        buf.putInt(RecordBatchDescriptor.BASE_SEQUENCE_OFFSET, -1);
        buf.putInt(RecordBatchDescriptor.RECORD_COUNT_OFFSET, values.length);
        buf.put(RecordBatchDescriptor.RECORDS_OFFSET, records.toByteArray());
        CRC32C crc = new CRC32C();
        crc.update(buf.slice(RecordBatchDescriptor.ATTRIBUTES_OFFSET, size - RecordBatchDescriptor.ATTRIBUTES_OFFSET));
        buf.putInt(RecordBatchDescriptor.CRC_OFFSET, (int) crc.getValue());
        return buf;
    }

    private static void varlong(ByteArrayOutputStream out, long value) {
        long v = (value << 1) ^ (value >> 63);
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
