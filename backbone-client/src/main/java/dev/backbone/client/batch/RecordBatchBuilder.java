package dev.backbone.client.batch;

import static dev.backbone.client.batch.RecordBatchDescriptor.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Builds one record batch (magic 2, create-time timestamps) record by record, compressed with the codec given at
 * construction or uncompressed.
 *
 * <p>Records are encoded as they are added, so {@link #estimatedSizeInBytes()} is exact for an uncompressed batch
 * and, for a compressed one, the size before compression: an upper bound in practice, which is what a caller
 * splitting records across batches by size needs. A compressed batch compresses its records section as one
 * stream when {@link #build()} runs, with the framing Kafka uses (see {@link CompressionCodec}). The base timestamp
 * is the first record's timestamp, as in Kafka's {@code MemoryRecordsBuilder}, so both produce the same
 * bytes for the same input. The built batch has base offset 0 and leader epoch -1; the broker assigns both.
 * Without {@link #producer} the producer id, epoch and base sequence are -1 (no idempotence).
 *
 * <p>Records are encoded behind 61 bytes of room for the header, so an uncompressed {@link #build()} fills in the
 * header and hands the builder's own array out without copying the records; an {@link #add} after a build copies
 * it first, so a built batch never changes.
 *
 * <p>Not thread-safe: one builder per batch, one thread at a time. {@link #build()} may be called more than
 * once and more records added in between; each call returns a new buffer.
 */
public final class RecordBatchBuilder {

    private static final int INITIAL_CAPACITY = 256;

    private final CompressionCodec compression;
    /** The header's room (61 bytes) and then the encoded records; its position is the batch size so far. */
    private ByteBuffer records;
    /** Whether a built batch shares {@link #records}' array, which must then be copied before it changes. */
    private boolean shared;
    private int recordCount;
    private long baseTimestamp;
    private long maxTimestamp = -1L;
    private long producerId = NO_PRODUCER_ID;
    private short producerEpoch = NO_PRODUCER_EPOCH;
    private int baseSequence = NO_SEQUENCE;

    /** A builder of uncompressed batches. */
    public RecordBatchBuilder() {
        this(CompressionCodec.NONE);
    }

    /** A builder of batches compressed with {@code compression} ({@link CompressionCodec#NONE} for none). */
    public RecordBatchBuilder(CompressionCodec compression) {
        this(compression, INITIAL_CAPACITY);
    }

    /**
     * A builder whose buffer starts at {@code expectedBytes} (the batch size the caller expects, header included),
     * so that a batch of a known size is encoded without growing and copying its buffer.
     */
    public RecordBatchBuilder(CompressionCodec compression, int expectedBytes) {
        this.compression = Objects.requireNonNull(compression, "compression");
        this.records = ByteBuffer.allocate(Math.max(HEADER_SIZE + 16, expectedBytes)).position(HEADER_SIZE);
    }

    /**
     * A builder that encodes into {@code buffer}'s array, the spare buffer of an earlier batch whose bytes are no
     * longer needed (see {@link #buffer()}), and allocates a new array only if the records outgrow it. A producer
     * sending batches of about the same size again and again then allocates no array per batch: arrays of half a
     * G1 region or more (512 KiB in heaps under 4 GiB) are humongous objects, costly to allocate and to collect.
     *
     * @param buffer a writable heap buffer whose array starts at its offset 0; its content is overwritten
     * @throws IllegalArgumentException if the buffer is read-only, direct, or a slice not at offset 0
     */
    public RecordBatchBuilder(CompressionCodec compression, ByteBuffer buffer) {
        this.compression = Objects.requireNonNull(compression, "compression");
        if (!buffer.hasArray() || buffer.arrayOffset() != 0 || buffer.capacity() < HEADER_SIZE + 16) {
            throw new IllegalArgumentException("a reused batch buffer must be a writable heap buffer of at least "
                    + (HEADER_SIZE + 16) + " bytes whose array starts at offset 0");
        }
        this.records = buffer.clear().position(HEADER_SIZE);
    }

    public CompressionCodec compression() {
        return compression;
    }

    /**
     * The buffer this builder encodes into now (grown, if the records outgrew the first one). Once the batch built
     * from it is no longer needed (sent and acknowledged), it may be handed to a new builder with
     * {@link #RecordBatchBuilder(CompressionCodec, ByteBuffer)}; until then it must not be.
     */
    public ByteBuffer buffer() {
        return records;
    }

    /** Marks the batch as sent by an idempotent producer. */
    public RecordBatchBuilder producer(long producerId, short epoch, int baseSequence) {
        this.producerId = producerId;
        this.producerEpoch = epoch;
        this.baseSequence = baseSequence;
        return this;
    }

    /**
     * Appends a record with the next offset delta.
     *
     * @param key     the key, or null
     * @param value   the value, or null (a tombstone)
     * @param headers the headers, or null for none
     * @throws IllegalStateException if the batch would exceed 2 GiB
     */
    public RecordBatchBuilder add(long timestampMs, byte[] key, byte[] value, List<Header> headers) {
        return add(timestampMs, key, value, 0, value == null ? -1 : value.length, headers);
    }

    /**
     * Appends a record whose value is {@code valueLength} bytes of {@code valueArray} from {@code valueOffset}: a
     * value cut from a larger buffer (a JSON produce body) is copied once, into the batch, and nowhere else.
     *
     * @param valueArray null for a null value (a tombstone); then offset and length are ignored
     * @throws IndexOutOfBoundsException if the range does not lie within {@code valueArray}
     */
    public RecordBatchBuilder add(long timestampMs, byte[] key, byte[] valueArray, int valueOffset, int valueLength,
                                  List<Header> headers) {
        if (valueArray != null) {
            java.util.Objects.checkFromIndexSize(valueOffset, valueLength, valueArray.length);
        }
        List<Header> hs = headers == null ? List.of() : headers;
        if (recordCount == 0) {
            baseTimestamp = timestampMs;
        }
        long timestampDelta = timestampMs - baseTimestamp;
        int offsetDelta = recordCount;

        byte[][] headerKeys = new byte[hs.size()][];
        long bodySize = 1 + Varints.sizeOfVarlong(timestampDelta) + Varints.sizeOfVarint(offsetDelta)
                + sizeOfBytes(key) + (valueArray == null ? Varints.sizeOfVarint(-1)
                : Varints.sizeOfVarint(valueLength) + (long) valueLength) + Varints.sizeOfVarint(hs.size());
        for (int i = 0; i < hs.size(); i++) {
            headerKeys[i] = hs.get(i).key().getBytes(StandardCharsets.UTF_8);
            bodySize += sizeOfBytes(headerKeys[i]) + sizeOfBytes(hs.get(i).value());
        }
        if (bodySize > Integer.MAX_VALUE - 8 - Varints.MAX_VARINT_SIZE - (long) records.position()) {
            throw new IllegalStateException("a record of " + bodySize + " bytes does not fit a batch already holding "
                    + (records.position() - HEADER_SIZE) + " bytes of records");
        }
        int size = (int) bodySize;
        ensureCapacity(Varints.sizeOfVarint(size) + size);

        Varints.writeVarint(size, records);
        records.put((byte) 0);
        Varints.writeVarlong(timestampDelta, records);
        Varints.writeVarint(offsetDelta, records);
        writeBytes(key);
        if (valueArray == null) {
            Varints.writeVarint(-1, records);
        } else {
            Varints.writeVarint(valueLength, records);
            records.put(valueArray, valueOffset, valueLength);
        }
        Varints.writeVarint(hs.size(), records);
        for (int i = 0; i < hs.size(); i++) {
            writeBytes(headerKeys[i]);
            writeBytes(hs.get(i).value());
        }
        recordCount++;
        maxTimestamp = recordCount == 1 ? timestampMs : Math.max(maxTimestamp, timestampMs);
        return this;
    }

    /** Convenience for a record without headers. */
    public RecordBatchBuilder add(long timestampMs, byte[] key, byte[] value) {
        return add(timestampMs, key, value, List.of());
    }

    public int recordCount() {
        return recordCount;
    }

    /**
     * The size {@link #build()} would return now without compression; exact for an uncompressed batch, the
     * size before compression for a compressed one.
     */
    public int estimatedSizeInBytes() {
        return records.position();
    }

    /**
     * Returns a complete batch: base offset 0, leader epoch -1, CRC set; position 0, limit its size.
     *
     * @throws IllegalStateException if no record was added (a batch holds at least one)
     */
    public ByteBuffer build() {
        if (recordCount == 0) {
            throw new IllegalStateException("a record batch needs at least one record");
        }
        ByteBuffer batch = compression == CompressionCodec.NONE ? plainBatch() : compressedBatch();
        int size = batch.limit();
        batch.putLong(BASE_OFFSET_OFFSET, 0L)
                .putInt(BATCH_LENGTH_OFFSET, size - LOG_OVERHEAD)
                .putInt(PARTITION_LEADER_EPOCH_OFFSET, NO_PARTITION_LEADER_EPOCH)
                .put(MAGIC_OFFSET, MAGIC_V2)
                .putShort(ATTRIBUTES_OFFSET, (short) compression.id())
                .putInt(LAST_OFFSET_DELTA_OFFSET, recordCount - 1)
                .putLong(BASE_TIMESTAMP_OFFSET, baseTimestamp)
                .putLong(MAX_TIMESTAMP_OFFSET, maxTimestamp)
                .putLong(PRODUCER_ID_OFFSET, producerId)
                .putShort(PRODUCER_EPOCH_OFFSET, producerEpoch)
                .putInt(BASE_SEQUENCE_OFFSET, baseSequence)
                .putInt(RECORD_COUNT_OFFSET, recordCount);
        batch.putInt(CRC_OFFSET, RecordBatchValidator.crc32c(batch, ATTRIBUTES_OFFSET, size));
        return batch;
    }

    /** The builder's own array, header room included; the next add copies it. */
    private ByteBuffer plainBatch() {
        unshare();
        shared = true;
        return ByteBuffer.wrap(records.array(), 0, records.position()).slice();
    }

    private ByteBuffer compressedBatch() {
        int recordBytes = records.position() - HEADER_SIZE;
        BatchOutput out = new BatchOutput(HEADER_SIZE + recordBytes / 2 + 64);
        try (OutputStream compressing = compression.compress(out)) {
            compressing.write(records.array(), HEADER_SIZE, recordBytes);
        } catch (IOException e) {
            // Only the codec can fail here (the output is memory); a codec that cannot compress is a broken build.
            throw new UncheckedIOException(compression.configName() + " failed to compress " + recordBytes
                    + " bytes of records", e);
        }
        return out.batch();
    }

    /** Memory output that starts with room for the batch header and hands its array over without a copy. */
    private static final class BatchOutput extends ByteArrayOutputStream {

        BatchOutput(int capacity) {
            super(capacity);
            count = HEADER_SIZE;
        }

        ByteBuffer batch() {
            return ByteBuffer.wrap(buf, 0, count).slice();
        }
    }

    /**
     * Concatenates batches (each from its position to its limit) into one new buffer, position 0, limit the
     * total; the inputs are left unchanged.
     */
    public static ByteBuffer concat(List<ByteBuffer> batches) {
        long total = 0;
        for (ByteBuffer b : batches) {
            total += b.remaining();
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("batches of " + total + " bytes do not fit one buffer");
        }
        ByteBuffer out = ByteBuffer.allocate((int) total);
        for (ByteBuffer b : batches) {
            out.put(b.duplicate());
        }
        return out.flip();
    }

    private static long sizeOfBytes(byte[] bytes) {
        return bytes == null ? Varints.sizeOfVarint(-1) : Varints.sizeOfVarint(bytes.length) + (long) bytes.length;
    }

    private void writeBytes(byte[] bytes) {
        if (bytes == null) {
            Varints.writeVarint(-1, records);
        } else {
            Varints.writeVarint(bytes.length, records);
            records.put(bytes);
        }
    }

    private void ensureCapacity(int needed) {
        if (records.remaining() >= needed) {
            unshare();
            return;
        }
        long wanted = Math.max((long) records.position() + needed, 2L * records.capacity());
        ByteBuffer grown = ByteBuffer.allocate((int) Math.min(wanted, Integer.MAX_VALUE - 8));
        grown.put(records.array(), 0, records.position());
        records = grown;
        shared = false;
    }

    /** Gives {@link #records} an array of its own when a built batch still holds the current one. */
    private void unshare() {
        if (shared) {
            ByteBuffer copy = ByteBuffer.allocate(records.capacity());
            copy.put(records.array(), 0, records.position());
            records = copy;
            shared = false;
        }
    }
}
