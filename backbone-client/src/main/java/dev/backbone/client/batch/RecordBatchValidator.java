package dev.backbone.client.batch;

import static dev.backbone.client.batch.RecordBatchDescriptor.*;

import dev.backbone.client.batch.InvalidBatchException.Reason;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Decides whether bytes are one or more sound record batches before the broker stores them byte for byte.
 *
 * <p>Checks, in this order, each failing with its own {@link Reason}: the length field can be read and the
 * whole batch fits in the buffer (MALFORMED), is not larger than the caller's limit (TOO_LARGE), magic is 2
 * (UNSUPPORTED_MAGIC), the length covers at least a header (MALFORMED), the CRC-32C over attributes..end
 * matches (CRC_MISMATCH), the codec is one of Kafka's five (UNSUPPORTED_COMPRESSION), a compressed batch's
 * records decompress within the limit (TOO_LARGE) and as a sound stream (MALFORMED), and finally that the
 * plain records walk exactly: the record count is positive, every record's varint framing and lengths fit within the record
 * and the record within the batch, offset deltas run 0..n-1, {@code lastOffsetDelta} is n-1 and no byte is
 * left over (MALFORMED). Header keys may not be null.
 *
 * <p>This is the broker's hot path: reads are absolute (the caller's buffer position never moves), every
 * length is checked against what remains before it is used, and nothing is allocated per record. A compressed
 * batch is decompressed once, by {@link BatchInflater}, and its plain records walked the same way.
 * Stateless and thread-safe.
 */
public final class RecordBatchValidator {

    /** The smallest record body: attributes, timestamp delta, offset delta, key, value, header count. */
    private static final int MIN_RECORD_BODY = 6;
    /** The smallest record including its one-byte length prefix; bounds a plausible record count. */
    private static final int MIN_RECORD_SIZE = MIN_RECORD_BODY + 1;

    private RecordBatchValidator() {
    }

    /**
     * Validates the one batch starting at {@code position}; a compressed batch's records may decompress to at
     * most {@link BatchInflater#DEFAULT_MAX_UNCOMPRESSED_BYTES}.
     *
     * @param maxBatchBytes the largest acceptable batch, header included
     * @return the batch header, valid
     * @throws InvalidBatchException naming the reason and {@code position}
     */
    public static RecordBatchHeader validate(ByteBuffer buf, int position, int maxBatchBytes) {
        return validate(buf, position, maxBatchBytes, BatchInflater.DEFAULT_MAX_UNCOMPRESSED_BYTES);
    }

    /**
     * Validates the one batch starting at {@code position}.
     *
     * @param maxBatchBytes        the largest acceptable batch as sent, header included
     * @param maxUncompressedBytes the most bytes a compressed batch's records may decompress to (TOO_LARGE past it)
     * @return the batch header, valid
     * @throws InvalidBatchException naming the reason and {@code position}
     */
    public static RecordBatchHeader validate(ByteBuffer buf, int position, int maxBatchBytes,
                                             int maxUncompressedBytes) {
        return validatePlain(buf, position, maxBatchBytes, maxUncompressedBytes).header();
    }

    /**
     * Validates the batch at {@code position} and returns it with its plain records: the caller's buffer for an
     * uncompressed batch, the decompressed copy for a compressed one, so that a decoder decompresses only once.
     */
    static ValidBatch validatePlain(ByteBuffer buf, int position, int maxBatchBytes, int maxUncompressedBytes) {
        ByteBuffer b = RecordBatchHeader.bigEndian(buf);
        int batchEnd = checkFraming(b, position, maxBatchBytes);
        RecordBatchHeader header = RecordBatchHeader.read(b, position);
        checkCrc(b, position, batchEnd, header.crc());
        ValidBatch valid;
        if (header.compressionCodec() == CompressionCodec.NONE.id()) {
            valid = new ValidBatch(header, b, position, batchEnd);
        } else {
            ByteBuffer plain = BatchInflater.plain(b, position, header, maxUncompressedBytes);
            valid = new ValidBatch(header, plain, 0, plain.limit());
        }
        checkRecords(valid, position);
        return valid;
    }

    /**
     * A batch that passed validation and where its plain form lies.
     *
     * @param plain      the buffer holding the plain batch
     * @param plainStart where the plain batch starts in {@code plain}
     * @param plainEnd   one past its last byte
     */
    record ValidBatch(RecordBatchHeader header, ByteBuffer plain, int plainStart, int plainEnd) {
    }

    /**
     * Validates batches lying back to back from {@code buf.position()} to {@code buf.limit()}; there must be
     * at least one, and the last must end exactly at the limit. The buffer's position does not move.
     *
     * @return the headers in order
     * @throws InvalidBatchException for the first invalid batch, with its position
     */
    public static List<RecordBatchHeader> validateAll(ByteBuffer buf, int maxBatchBytes) {
        return validateAll(buf, maxBatchBytes, BatchInflater.DEFAULT_MAX_UNCOMPRESSED_BYTES);
    }

    /** As {@link #validateAll(ByteBuffer, int)}, with the limit on what a compressed batch decompresses to. */
    public static List<RecordBatchHeader> validateAll(ByteBuffer buf, int maxBatchBytes, int maxUncompressedBytes) {
        return validateAll(buf, maxBatchBytes, maxUncompressedBytes, null);
    }

    /**
     * As {@link #validateAll(ByteBuffer, int, int)}, also handing over what validation decompressed, so that a
     * reader of the records (the broker's key index) need not decompress the same batches again.
     *
     * @param plainForms if not null, receives one entry per batch, in order: the plain form of a compressed batch
     *                   (as {@link BatchInflater#plain} returns it; its header's base offset is the one the batch
     *                   had when validated), null for an uncompressed batch
     */
    public static List<RecordBatchHeader> validateAll(ByteBuffer buf, int maxBatchBytes, int maxUncompressedBytes,
                                                      List<ByteBuffer> plainForms) {
        int position = buf.position();
        if (position >= buf.limit()) {
            throw new InvalidBatchException(Reason.MALFORMED, position, "no record batch: the input is empty");
        }
        List<RecordBatchHeader> headers = new ArrayList<>();
        while (position < buf.limit()) {
            ValidBatch batch = validatePlain(buf, position, maxBatchBytes, maxUncompressedBytes);
            RecordBatchHeader header = batch.header();
            headers.add(header);
            if (plainForms != null) {
                plainForms.add(header.compressionCodec() == CompressionCodec.NONE.id() ? null : batch.plain());
            }
            position += header.sizeInBytes();
        }
        return headers;
    }

    /** Checks the length field and magic; returns the end of the batch. */
    private static int checkFraming(ByteBuffer b, int position, int maxBatchBytes) {
        long remaining = (long) b.limit() - position;
        if (position < 0 || remaining < LOG_OVERHEAD) {
            throw new InvalidBatchException(Reason.MALFORMED, position, "truncated batch: " + Math.max(0, remaining)
                    + " bytes remain, the batch length field alone ends at byte " + LOG_OVERHEAD);
        }
        int batchLength = b.getInt(position + BATCH_LENGTH_OFFSET);
        if (batchLength < 0) {
            throw new InvalidBatchException(Reason.MALFORMED, position, "negative batch length " + batchLength);
        }
        long size = (long) LOG_OVERHEAD + batchLength;
        if (size > maxBatchBytes) {
            throw new InvalidBatchException(Reason.TOO_LARGE, position,
                    "batch of " + size + " bytes exceeds the limit of " + maxBatchBytes + " bytes");
        }
        if (size > remaining) {
            throw new InvalidBatchException(Reason.MALFORMED, position,
                    "truncated batch: its length says " + size + " bytes but only " + remaining + " remain");
        }
        if (size > MAGIC_OFFSET) {
            byte magic = b.get(position + MAGIC_OFFSET);
            if (magic != MAGIC_V2) {
                throw new InvalidBatchException(Reason.UNSUPPORTED_MAGIC, position,
                        "magic " + magic + " is not supported; only record batch v2 (magic 2) is");
            }
        }
        if (size < HEADER_SIZE) {
            throw new InvalidBatchException(Reason.MALFORMED, position,
                    "batch length " + batchLength + " is shorter than a " + HEADER_SIZE + "-byte batch header");
        }
        return (int) (position + size);
    }

    private static void checkCrc(ByteBuffer b, int position, int batchEnd, int storedCrc) {
        int computed = crc32c(b, position + ATTRIBUTES_OFFSET, batchEnd);
        if (computed != storedCrc) {
            throw new InvalidBatchException(Reason.CRC_MISMATCH, position, "CRC-32C mismatch: stored "
                    + Integer.toUnsignedString(storedCrc, 16) + ", computed " + Integer.toUnsignedString(computed, 16));
        }
    }

    /** The CRC-32C of bytes {@code from} (inclusive) to {@code to} (exclusive), leaving the buffer untouched. */
    static int crc32c(ByteBuffer b, int from, int to) {
        CRC32C crc = new CRC32C();
        if (b.hasArray()) {
            crc.update(b.array(), b.arrayOffset() + from, to - from);
        } else {
            ByteBuffer view = b.duplicate();
            view.limit(to).position(from);
            crc.update(view);
        }
        return (int) crc.getValue();
    }

    /** Walks the plain records; faults name {@code position}, where the batch lies in the caller's input. */
    private static void checkRecords(ValidBatch batch, int position) {
        RecordBatchHeader header = batch.header();
        int count = header.recordCount();
        int recordBytes = batch.plainEnd() - batch.plainStart() - HEADER_SIZE;
        if (count <= 0 || count > recordBytes / MIN_RECORD_SIZE) {
            throw new InvalidBatchException(Reason.MALFORMED, position, "record count " + count
                    + " is impossible for " + recordBytes + " bytes of records");
        }
        if (header.lastOffsetDelta() != count - 1) {
            throw new InvalidBatchException(Reason.MALFORMED, position, "last offset delta "
                    + header.lastOffsetDelta() + " does not match " + count + " records");
        }
        RecordCursor cursor = new RecordCursor(batch.plain(), position, batch.plainStart() + HEADER_SIZE,
                batch.plainEnd());
        for (int i = 0; i < count; i++) {
            skipRecord(cursor, i);
        }
        if (cursor.remaining() != 0) {
            throw cursor.malformed(cursor.remaining() + " bytes left over after " + count + " records");
        }
    }

    private static void skipRecord(RecordCursor cursor, int index) {
        int length = cursor.readVarint("record length");
        if (length < MIN_RECORD_BODY || length > cursor.remaining()) {
            throw cursor.malformed("record " + index + " has length " + length + " but " + cursor.remaining()
                    + " bytes remain in the batch");
        }
        int recordEnd = cursor.position() + length;
        cursor.enterRecord(length);
        cursor.readByte("record attributes");
        cursor.readVarlong("timestamp delta");
        int offsetDelta = cursor.readVarint("offset delta");
        if (offsetDelta != index) {
            throw cursor.malformed("record " + index + " has offset delta " + offsetDelta);
        }
        cursor.skip(cursor.readLength("key length", true));
        cursor.skip(cursor.readLength("value length", true));
        int headerCount = cursor.readVarint("header count");
        if (headerCount < 0) {
            throw cursor.malformed("record " + index + " has header count " + headerCount);
        }
        // Each header takes at least two bytes, so a lying count runs out of record before it runs long.
        for (int h = 0; h < headerCount; h++) {
            cursor.skip(cursor.readLength("header key length", false));
            cursor.skip(cursor.readLength("header value length", true));
        }
        if (cursor.position() != recordEnd) {
            throw cursor.malformed("record " + index + " has " + (recordEnd - cursor.position())
                    + " bytes left over");
        }
        cursor.leaveRecord();
    }
}
