package dev.backbone.server.log;

import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.RecordBatchDecoder;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.function.Consumer;

/**
 * Reads a whole partition record by record, from its start to its visible end, for state that is rebuilt from a
 * log at start.
 *
 * <p>Thread safety: stateless; the log may be appended to meanwhile (the read stops at the end seen first).
 */
public final class LogRecords {

    private static final int CHUNK_BYTES = 1 << 20;

    private LogRecords() {
    }

    /** Calls {@code sink} with every record from the log start to the end offset seen when called, in order. */
    public static void forEach(PartitionLog log, Consumer<Record> sink) throws IOException {
        forEach(log, log.logStartOffset(), sink);
    }

    /**
     * Calls {@code sink} with every record from {@code fromOffset} (or the log start, if later) to the end offset
     * seen when called, in order.
     */
    public static void forEach(PartitionLog log, long fromOffset, Consumer<Record> sink) throws IOException {
        long end = log.logEndOffset();
        long offset = Math.max(fromOffset, log.logStartOffset());
        while (offset < end) {
            LogSlice slice;
            try {
                slice = log.read(offset, CHUNK_BYTES);
            } catch (OffsetOutOfRangeException e) {
                // Retention removed the segment under us; what is gone is gone, go on from the new start.
                offset = Math.max(offset, log.logStartOffset());
                if (offset >= e.logEndOffset()) {
                    return;
                }
                continue;
            }
            if (slice.isEmpty()) {
                return;
            }
            ByteBuffer bytes = ByteBuffer.allocate(slice.sizeBytes());
            try (FileChannel channel = slice.openChannel()) {
                while (bytes.hasRemaining()) {
                    if (channel.read(bytes, slice.position() + bytes.position()) < 0) {
                        throw new EOFException(slice.segmentFile() + " ended before position "
                                + (slice.position() + slice.sizeBytes()));
                    }
                }
            }
            bytes.flip();
            for (Record record : RecordBatchDecoder.decodeAll(bytes)) {
                if (record.offset() >= offset && record.offset() < end) {
                    sink.accept(record);
                }
            }
            offset = slice.nextOffset();
        }
    }
}
