package dev.backbone.server.log;

import dev.backbone.client.batch.CompressionCodec;
import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.client.batch.RecordBatchDecoder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Shared helpers of the engine tests: batches built with the real codec, slices read back from disk. */
final class TestBatches {

    private TestBatches() {
    }

    /** One batch of one record per value, all with timestamp {@code timestampMs}. */
    static ByteBuffer batch(long timestampMs, String... values) {
        return batch(CompressionCodec.NONE, timestampMs, values);
    }

    /** As {@link #batch(long, String...)}, compressed with {@code codec}. */
    static ByteBuffer batch(CompressionCodec codec, long timestampMs, String... values) {
        RecordBatchBuilder builder = new RecordBatchBuilder(codec);
        for (String value : values) {
            builder.add(timestampMs, null, value.getBytes(StandardCharsets.UTF_8), List.of());
        }
        return builder.build();
    }

    /** One batch of {@code count} records of {@code valueBytes} bytes each. */
    static ByteBuffer sized(long timestampMs, int count, int valueBytes) {
        RecordBatchBuilder builder = new RecordBatchBuilder();
        byte[] value = new byte[valueBytes];
        for (int i = 0; i < count; i++) {
            value[0] = (byte) i;
            builder.add(timestampMs, null, value.clone(), List.of());
        }
        return builder.build();
    }

    /** The bytes a slice names, read from its segment file. */
    static ByteBuffer bytes(LogSlice slice) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(slice.sizeBytes());
        try (FileChannel channel = slice.openChannel()) {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, slice.position() + buffer.position()) < 0) {
                    throw new IOException("short read of " + slice);
                }
            }
        }
        return buffer.flip();
    }

    /** Every visible record from {@code from} to the end, reading slice after slice. */
    static List<Record> readAll(PartitionLog log, long from, int maxBytes) throws IOException {
        List<Record> records = new ArrayList<>();
        long offset = from;
        while (offset < log.logEndOffset()) {
            LogSlice slice = log.read(offset, maxBytes);
            for (Record record : RecordBatchDecoder.decodeAll(bytes(slice))) {
                if (record.offset() >= offset) {
                    records.add(record);
                }
            }
            offset = slice.nextOffset();
        }
        return records;
    }

    static String text(Record record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }
}
