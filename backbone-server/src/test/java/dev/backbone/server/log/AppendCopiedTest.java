package dev.backbone.server.log;

import static dev.backbone.server.log.TestBatches.batch;
import static dev.backbone.server.log.TestBatches.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.client.batch.RecordBatchDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches copied from one replica's log to another's keep their bytes (offsets and leader epochs included), reach
 * the observers as any append does, and are refused, leaving the log unchanged, unless they continue it exactly.
 */
class AppendCopiedTest {

    private static final TopicPartition TP = new TopicPartition("copied", 0);

    @TempDir
    Path dir;

    private LogManager sourceLogs;
    private LogManager copyLogs;
    private PartitionLog source;
    private PartitionLog copy;

    @BeforeEach
    void open() throws IOException {
        sourceLogs = new LogManager(dir.resolve("source"), LogManagerOptions.DEFAULT);
        copyLogs = new LogManager(dir.resolve("copy"), LogManagerOptions.DEFAULT);
        source = sourceLogs.openOrCreate(TP, LogConfig.DEFAULT.withSegmentBytes(4096));
        copy = copyLogs.openOrCreate(TP, LogConfig.DEFAULT.withSegmentBytes(2048));
    }

    @AfterEach
    void close() throws IOException {
        sourceLogs.close();
        copyLogs.close();
    }

    @Test
    void copiedBatchesKeepTheirBytesAndReachObservers() throws IOException {
        for (int i = 0; i < 40; i++) {
            source.appendReplicated(RecordBatchBuilder.concat(List.of(batch(1_000 + i, "a" + i, "b" + i),
                    batch(2_000 + i, "c" + i))), 3 + i / 10, 1_700_000_000_000L + i, AppendPrecondition.NONE);
        }
        List<Integer> observedBytes = new ArrayList<>();
        copy.addAppendObserver((tp, segmentBaseOffset, filePosition, storedBatches) ->
                observedBytes.add(storedBatches.remaining()));
        long offset = 0;
        while (offset < source.logEndOffset()) {
            LogSlice slice = source.read(offset, 700);
            AppendResult result = copy.appendCopied(bytes(slice));
            assertThat(result.firstOffset()).isEqualTo(slice.firstOffset());
            offset = slice.nextOffset();
        }
        assertThat(copy.logEndOffset()).isEqualTo(source.logEndOffset());
        assertThat(allBatches(copy)).isEqualTo(allBatches(source));
        assertThat(observedBytes.stream().mapToLong(Integer::longValue).sum()).isEqualTo(source.sizeBytes());
    }

    @Test
    void batchesThatDoNotContinueTheLogAreRefused() throws IOException {
        source.appendReplicated(batch(1, "x", "y"), 7, 1_700_000_000_000L, AppendPrecondition.NONE);
        source.appendReplicated(batch(2, "z"), 7, 1_700_000_000_001L, AppendPrecondition.NONE);
        ByteBuffer both = bytes(source.read(0, 1 << 20));
        ByteBuffer second = both.duplicate().position(RecordBatchDescriptor.LOG_OVERHEAD
                + both.getInt(RecordBatchDescriptor.BATCH_LENGTH_OFFSET));

        assertThatThrownBy(() -> copy.appendCopied(second.duplicate()))
                .isInstanceOf(CopiedBatchesMismatchException.class)
                .hasMessageContaining("starts at offset 2 where offset 0 was expected");
        ByteBuffer gap = ByteBuffer.allocate(both.remaining() + second.remaining())
                .put(both.duplicate().limit(second.position())).put(second.duplicate()).put(second.duplicate())
                .flip();
        assertThatThrownBy(() -> copy.appendCopied(gap)).isInstanceOf(CopiedBatchesMismatchException.class);
        assertThat(copy.logEndOffset()).isZero();

        copy.appendCopied(both.duplicate());
        assertThat(allBatches(copy)).isEqualTo(allBatches(source));
    }

    private static ByteBuffer allBatches(PartitionLog log) throws IOException {
        ByteBuffer all = ByteBuffer.allocate((int) log.sizeBytes());
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            LogSlice slice = log.read(offset, 1 << 20);
            all.put(bytes(slice));
            offset = slice.nextOffset();
        }
        return all.flip();
    }
}
