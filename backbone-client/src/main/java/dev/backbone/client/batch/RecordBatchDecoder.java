package dev.backbone.client.batch;

import static dev.backbone.client.batch.RecordBatchDescriptor.HEADER_SIZE;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns record batches into {@link Record}s with absolute offsets and timestamps. In a batch whose
 * timestamp type is log-append time every record carries the batch's max timestamp, as Kafka reads it.
 *
 * <p>Compressed batches (any of Kafka's codecs) are decompressed once, within
 * {@link BatchInflater#DEFAULT_MAX_UNCOMPRESSED_BYTES}.
 *
 * <p>Strict: every batch is first checked in full by {@link RecordBatchValidator} (CRC included), so a
 * decoder never hands out records from a damaged batch, fails only with {@link InvalidBatchException},
 * and sizes nothing by a length it has not checked against the bytes that are there. The caller's buffer
 * position never moves. Stateless and thread-safe.
 */
public final class RecordBatchDecoder {

    private RecordBatchDecoder() {
    }

    /** Decodes the one batch starting at {@code position}. */
    public static List<Record> decode(ByteBuffer buf, int position) {
        RecordBatchValidator.ValidBatch batch = RecordBatchValidator.validatePlain(buf, position, Integer.MAX_VALUE,
                BatchInflater.DEFAULT_MAX_UNCOMPRESSED_BYTES);
        List<Record> out = new ArrayList<>(batch.header().recordCount());
        decodeInto(batch, position, out);
        return out;
    }

    /**
     * Decodes batches lying back to back from {@code buf.position()} to {@code buf.limit()}. An empty input
     * (an empty fetch) gives an empty list; a trailing partial batch is an error.
     */
    public static List<Record> decodeAll(ByteBuffer buf) {
        ByteBuffer b = RecordBatchHeader.bigEndian(buf);
        List<Record> out = new ArrayList<>();
        int position = b.position();
        while (position < b.limit()) {
            RecordBatchValidator.ValidBatch batch = RecordBatchValidator.validatePlain(b, position, Integer.MAX_VALUE,
                    BatchInflater.DEFAULT_MAX_UNCOMPRESSED_BYTES);
            decodeInto(batch, position, out);
            position += batch.header().sizeInBytes();
        }
        return out;
    }

    /** Reads the records of a batch the validator has accepted; the cursor still checks every read. */
    private static void decodeInto(RecordBatchValidator.ValidBatch batch, int position, List<Record> out) {
        RecordBatchHeader header = batch.header();
        RecordCursor cursor = new RecordCursor(batch.plain(), position, batch.plainStart() + HEADER_SIZE,
                batch.plainEnd());
        for (int i = 0; i < header.recordCount(); i++) {
            int length = cursor.readVarint("record length");
            cursor.enterRecord(length);
            cursor.readByte("record attributes");
            long timestamp = header.baseTimestamp() + cursor.readVarlong("timestamp delta");
            if (header.isLogAppendTime()) {
                // As in Kafka: the broker's append time, kept once in the header, replaces every record's own.
                timestamp = header.maxTimestamp();
            }
            long offset = header.baseOffset() + cursor.readVarint("offset delta");
            byte[] key = cursor.readBytes(cursor.readLength("key length", true));
            byte[] value = cursor.readBytes(cursor.readLength("value length", true));
            int headerCount = cursor.readVarint("header count");
            List<Header> headers = headerCount == 0 ? List.of() : new ArrayList<>(headerCount);
            for (int h = 0; h < headerCount; h++) {
                byte[] headerKey = cursor.readBytes(cursor.readLength("header key length", false));
                byte[] headerValue = cursor.readBytes(cursor.readLength("header value length", true));
                headers.add(new Header(new String(headerKey, StandardCharsets.UTF_8), headerValue));
            }
            cursor.leaveRecord();
            out.add(new Record(offset, timestamp, key, value, headers));
        }
    }
}
