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
        List<Record> out = new ArrayList<>();
        decodeAll(buf, Long.MIN_VALUE, (offset, timestamp, key, value, headers) ->
                out.add(new Record(offset, timestamp, key, value, headers)));
        return out;
    }

    /**
     * Receives decoded records, in order, without a {@link Record} made for each: a consumer that keeps records in
     * a type of its own builds that type directly.
     */
    @FunctionalInterface
    public interface RecordSink {

        /**
         * @param offset    the absolute offset
         * @param timestamp milliseconds since the epoch
         * @param key       the key (a copy of its own), or null
         * @param value     the value (a copy of its own), or null
         * @param headers   the headers in wire order, an unmodifiable list
         */
        void record(long offset, long timestamp, byte[] key, byte[] value, List<Header> headers);

        /**
         * Called before the records of each batch, so that a sink collecting them can make room once.
         *
         * @param recordCount the records in the batch (some may be skipped, being below the offset asked for)
         */
        default void batch(int recordCount) {
        }
    }

    /**
     * Decodes batches lying back to back, as {@link #decodeAll(ByteBuffer)} does, into {@code sink}; records below
     * {@code fromOffset} (the start of a first batch that begins before the offset a fetch asked for) are
     * checked and skipped without copying their bytes.
     */
    public static void decodeAll(ByteBuffer buf, long fromOffset, RecordSink sink) {
        ByteBuffer b = RecordBatchHeader.bigEndian(buf);
        int position = b.position();
        HeaderKeys keys = new HeaderKeys();
        while (position < b.limit()) {
            RecordBatchValidator.ValidBatch batch = RecordBatchValidator.validatePlain(b, position, Integer.MAX_VALUE,
                    BatchInflater.DEFAULT_MAX_UNCOMPRESSED_BYTES);
            decodeInto(batch, position, fromOffset, sink, keys);
            position += batch.header().sizeInBytes();
        }
    }

    private static void decodeInto(RecordBatchValidator.ValidBatch batch, int position, List<Record> out) {
        decodeInto(batch, position, Long.MIN_VALUE, (offset, timestamp, key, value, headers) ->
                out.add(new Record(offset, timestamp, key, value, headers)), new HeaderKeys());
    }

    /**
     * The last few header keys read, so that records carrying the same header names (nearly all of a topic's: the
     * event type, trace context) share their {@code String}s instead of decoding new ones per record. Confined to
     * one decoding call.
     */
    private static final class HeaderKeys {

        private static final int KEPT = 4;

        private final byte[][] bytes = new byte[KEPT][];

        private final String[] texts = new String[KEPT];

        private int next;

        String read(RecordCursor cursor, int length) {
            for (int i = 0; i < KEPT && bytes[i] != null; i++) {
                if (cursor.nextBytesEqual(length, bytes[i])) {
                    cursor.skip(length);
                    return texts[i];
                }
            }
            byte[] read = cursor.readBytes(length);
            String text = new String(read, StandardCharsets.UTF_8);
            bytes[next] = read;
            texts[next] = text;
            next = (next + 1) % KEPT;
            return text;
        }
    }

    /** Reads the records of a batch the validator has accepted; the cursor still checks every read. */
    private static void decodeInto(RecordBatchValidator.ValidBatch batch, int position, long fromOffset,
                                   RecordSink sink, HeaderKeys keys) {
        RecordBatchHeader header = batch.header();
        RecordCursor cursor = new RecordCursor(batch.plain(), position, batch.plainStart() + HEADER_SIZE,
                batch.plainEnd());
        sink.batch(header.recordCount());
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
            if (offset < fromOffset) {
                skipRest(cursor);
                continue;
            }
            byte[] key = cursor.readBytes(cursor.readLength("key length", true));
            byte[] value = cursor.readBytes(cursor.readLength("value length", true));
            List<Header> headers = readHeaders(cursor, keys);
            cursor.leaveRecord();
            sink.record(offset, timestamp, key, value, headers);
        }
    }

    /** Reads a record's headers into an unmodifiable list, which {@link Record} and its callers keep as it is. */
    private static List<Header> readHeaders(RecordCursor cursor, HeaderKeys keys) {
        int headerCount = cursor.readVarint("header count");
        if (headerCount == 0) {
            return List.of();
        }
        if (headerCount == 1) {
            return List.of(readHeader(cursor, keys));
        }
        if (headerCount < 0 || headerCount > cursor.remaining()) {
            throw cursor.malformed("header count " + headerCount + " with " + cursor.remaining() + " bytes left");
        }
        Header[] headers = new Header[headerCount];
        for (int h = 0; h < headerCount; h++) {
            headers[h] = readHeader(cursor, keys);
        }
        return List.of(headers);
    }

    private static Header readHeader(RecordCursor cursor, HeaderKeys keys) {
        String headerKey = keys.read(cursor, cursor.readLength("header key length", false));
        byte[] headerValue = cursor.readBytes(cursor.readLength("header value length", true));
        return new Header(headerKey, headerValue);
    }

    /** Checks and skips the rest of a record the caller does not want (key, value and headers). */
    private static void skipRest(RecordCursor cursor) {
        cursor.skip(cursor.readLength("key length", true));
        cursor.skip(cursor.readLength("value length", true));
        int headerCount = cursor.readVarint("header count");
        for (int h = 0; h < headerCount; h++) {
            cursor.skip(cursor.readLength("header key length", false));
            cursor.skip(cursor.readLength("header value length", true));
        }
        cursor.leaveRecord();
    }
}
