package dev.backbone.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.client.batch.RecordBatchDescriptor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchBoundaryTrackerTest {

    @Test
    void countsBatchesRecordsAndNextOffsetWhateverTheChunking() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        List<ByteBuffer> batches = new ArrayList<>();
        long baseOffset = 100;
        int records = 0;
        for (int b = 0; b < 20; b++) {
            RecordBatchBuilder builder = new RecordBatchBuilder();
            int count = 1 + random.nextInt(50);
            for (int r = 0; r < count; r++) {
                builder.add(1_000 + r, null, new byte[random.nextInt(300)], List.of());
            }
            ByteBuffer batch = builder.build();
            batch.putLong(RecordBatchDescriptor.BASE_OFFSET_OFFSET, baseOffset);
            baseOffset += count;
            records += count;
            batches.add(batch);
        }
        byte[] stream = toArray(RecordBatchBuilder.concat(batches));

        BatchBoundaryTracker tracker = new BatchBoundaryTracker();
        int position = 0;
        while (position < stream.length) {
            int chunk = Math.min(stream.length - position, 1 + random.nextInt(random.nextBoolean() ? 7 : 5_000));
            ByteBuffer buffer = ByteBuffer.wrap(stream, position, chunk);
            tracker.accept(buffer);
            assertThat(buffer.hasRemaining()).as("seed %d", seed).isFalse();
            position += chunk;
        }

        assertThat(tracker.atBoundary()).as("seed %d", seed).isTrue();
        assertThat(tracker.batches()).as("seed %d", seed).isEqualTo(20);
        assertThat(tracker.records()).as("seed %d", seed).isEqualTo(records);
        assertThat(tracker.bytes()).as("seed %d", seed).isEqualTo(stream.length);
        assertThat(tracker.nextOffset()).as("seed %d", seed).isEqualTo(baseOffset);
    }

    @Test
    void aStreamCutInsideABatchIsNotAtABoundary() {
        byte[] batch = toArray(new RecordBatchBuilder().add(1, null, new byte[100], List.of()).build());
        BatchBoundaryTracker tracker = new BatchBoundaryTracker();

        assertThat(tracker.atBoundary()).isTrue();
        assertThat(tracker.nextOffset()).isEqualTo(-1);
        tracker.accept(ByteBuffer.wrap(batch, 0, 30));
        assertThat(tracker.atBoundary()).isFalse();
        tracker.accept(ByteBuffer.wrap(batch, 30, batch.length - 31));
        assertThat(tracker.atBoundary()).isFalse();
        tracker.accept(ByteBuffer.wrap(batch, batch.length - 1, 1));
        assertThat(tracker.atBoundary()).isTrue();
        assertThat(tracker.nextOffset()).isEqualTo(1);
    }

    @Test
    void anImpossibleLengthStopsTheRun() {
        byte[] batch = toArray(new RecordBatchBuilder().add(1, null, new byte[10], List.of()).build());
        ByteBuffer.wrap(batch).putInt(RecordBatchDescriptor.BATCH_LENGTH_OFFSET, 3);

        assertThatThrownBy(() -> new BatchBoundaryTracker().accept(ByteBuffer.wrap(batch)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("has length 3");
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
