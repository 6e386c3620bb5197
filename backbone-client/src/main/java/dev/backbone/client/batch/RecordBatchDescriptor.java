package dev.backbone.client.batch;

/**
 * The byte layout of a record batch: Apache Kafka's RecordBatch v2 (magic 2), big-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                    baseOffset (int64)                         |  0   rewritten by the broker
 *  +---------------------------------------------------------------+
 *  |                    batchLength (int32)                        |  8   bytes after this field
 *  +---------------------------------------------------------------+
 *  |                partitionLeaderEpoch (int32)                   | 12   rewritten by the broker
 *  +---------------+-----------------------------------------------+
 *  |  magic (int8) |              crc (uint32) ...                 | 16 / 17
 *  +---------------+-------------------------------+---------------+
 *  |  ... crc      |       attributes (int16)      |               | 21   CRC-32C covers 21..end
 *  +---------------+-------------------------------+---------------+
 *  |                 lastOffsetDelta (int32)                       | 23
 *  |                 baseTimestamp (int64)                         | 27
 *  |                 maxTimestamp (int64)                          | 35
 *  |                 producerId (int64)                            | 43
 *  |                 producerEpoch (int16)                         | 51
 *  |                 baseSequence (int32)                          | 53
 *  |                 recordCount (int32)                           | 57
 *  +---------------------------------------------------------------+
 *  |  records: recordCount times a varint-framed record            | 61
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>A record is {@code length varint, attributes int8, timestampDelta varlong, offsetDelta varint,
 * keyLength varint (-1 = null), key, valueLength varint (-1 = null), value, headerCount varint,
 * headers (keyLength varint, key UTF-8, valueLength varint (-1 = null), value)}; varints are zig-zag
 * encoded as in Protocol Buffers.
 *
 * <p>Only the base offset and the partition leader epoch lie outside the CRC, which is why the broker
 * may rewrite them and append a client's batch otherwise byte for byte.
 */
public final class RecordBatchDescriptor {

    public static final int BASE_OFFSET_OFFSET = 0;
    public static final int BATCH_LENGTH_OFFSET = 8;
    public static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
    public static final int MAGIC_OFFSET = 16;
    public static final int CRC_OFFSET = 17;
    public static final int ATTRIBUTES_OFFSET = 21;
    public static final int LAST_OFFSET_DELTA_OFFSET = 23;
    public static final int BASE_TIMESTAMP_OFFSET = 27;
    public static final int MAX_TIMESTAMP_OFFSET = 35;
    public static final int PRODUCER_ID_OFFSET = 43;
    public static final int PRODUCER_EPOCH_OFFSET = 51;
    public static final int BASE_SEQUENCE_OFFSET = 53;
    public static final int RECORD_COUNT_OFFSET = 57;
    public static final int RECORDS_OFFSET = 61;

    /** The batch header size; also the smallest possible batch. */
    public static final int HEADER_SIZE = RECORDS_OFFSET;
    /** Bytes before and including the batch length field, which the length does not count. */
    public static final int LOG_OVERHEAD = BATCH_LENGTH_OFFSET + 4;
    public static final byte MAGIC_V2 = 2;

    /** Attribute bits 0-2: compression codec (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
    public static final int COMPRESSION_CODEC_MASK = 0x07;
    /** Attribute bit 3: timestamp type (0 create time, 1 log append time). */
    public static final int TIMESTAMP_TYPE_MASK = 0x08;
    public static final int TRANSACTIONAL_FLAG_MASK = 0x10;
    public static final int CONTROL_FLAG_MASK = 0x20;

    public static final long NO_PRODUCER_ID = -1L;
    public static final short NO_PRODUCER_EPOCH = -1;
    public static final int NO_SEQUENCE = -1;
    public static final int NO_PARTITION_LEADER_EPOCH = -1;

    private RecordBatchDescriptor() {
    }
}
