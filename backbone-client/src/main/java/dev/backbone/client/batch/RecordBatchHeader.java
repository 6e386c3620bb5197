package dev.backbone.client.batch;

import static dev.backbone.client.batch.RecordBatchDescriptor.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 61 fixed bytes at the start of a record batch, as laid out in {@link RecordBatchDescriptor}.
 * A plain value: reading one checks nothing but that the bytes are there; {@link RecordBatchValidator}
 * decides whether the batch is sound. Immutable and thread-safe.
 */
public record RecordBatchHeader(long baseOffset, int batchLength, int partitionLeaderEpoch, byte magic, int crc,
                                short attributes, int lastOffsetDelta, long baseTimestamp, long maxTimestamp,
                                long producerId, short producerEpoch, int baseSequence, int recordCount) {

    /**
     * Reads the header at an absolute position without moving the buffer.
     *
     * @throws InvalidBatchException (MALFORMED) if fewer than 61 bytes remain before {@code buf.limit()}
     */
    public static RecordBatchHeader read(ByteBuffer buf, int position) {
        if (position < 0 || (long) position + HEADER_SIZE > buf.limit()) {
            throw new InvalidBatchException(InvalidBatchException.Reason.MALFORMED, position,
                    "a batch header needs " + HEADER_SIZE + " bytes but only " + Math.max(0, buf.limit() - position)
                            + " remain");
        }
        ByteBuffer b = bigEndian(buf);
        return new RecordBatchHeader(
                b.getLong(position + BASE_OFFSET_OFFSET),
                b.getInt(position + BATCH_LENGTH_OFFSET),
                b.getInt(position + PARTITION_LEADER_EPOCH_OFFSET),
                b.get(position + MAGIC_OFFSET),
                b.getInt(position + CRC_OFFSET),
                b.getShort(position + ATTRIBUTES_OFFSET),
                b.getInt(position + LAST_OFFSET_DELTA_OFFSET),
                b.getLong(position + BASE_TIMESTAMP_OFFSET),
                b.getLong(position + MAX_TIMESTAMP_OFFSET),
                b.getLong(position + PRODUCER_ID_OFFSET),
                b.getShort(position + PRODUCER_EPOCH_OFFSET),
                b.getInt(position + BASE_SEQUENCE_OFFSET),
                b.getInt(position + RECORD_COUNT_OFFSET));
    }

    /** The whole batch in bytes, including the base offset and length fields. */
    public int sizeInBytes() {
        return LOG_OVERHEAD + batchLength;
    }

    /** The offset of the batch's last record. */
    public long lastOffset() {
        return baseOffset + lastOffsetDelta;
    }

    /** Attribute bits 0-2: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd. */
    public int compressionCodec() {
        return attributes & COMPRESSION_CODEC_MASK;
    }

    /** Whether the timestamps were set by the broker on append rather than by the producer. */
    public boolean isLogAppendTime() {
        return (attributes & TIMESTAMP_TYPE_MASK) != 0;
    }

    public boolean isTransactional() {
        return (attributes & TRANSACTIONAL_FLAG_MASK) != 0;
    }

    public boolean isControl() {
        return (attributes & CONTROL_FLAG_MASK) != 0;
    }

    /**
     * The buffer itself when big-endian (the default and the only order the format knows); otherwise a
     * big-endian view, so that a caller's little-endian buffer is read correctly and left unchanged.
     */
    static ByteBuffer bigEndian(ByteBuffer buf) {
        return buf.order() == ByteOrder.BIG_ENDIAN ? buf : buf.duplicate().order(ByteOrder.BIG_ENDIAN);
    }
}
