package dev.backbone.bench.engine;

import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.server.log.FlushListener;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogConfig;
import dev.backbone.server.log.LogManager;
import dev.backbone.server.log.LogManagerOptions;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

/**
 * One partition log in a scratch directory, opened through the log manager as the broker opens it.
 * Not thread-safe to open or close; the log itself is as thread-safe as the engine makes it.
 */
final class EngineFixture implements AutoCloseable {

    static final TopicPartition PARTITION = new TopicPartition("bench", 0);

    private final BenchDirectory directory;
    private final LogManager manager;
    private final PartitionLog log;

    private EngineFixture(BenchDirectory directory, LogManager manager, PartitionLog log) {
        this.directory = directory;
        this.manager = manager;
        this.log = log;
    }

    static EngineFixture open(String prefix, FlushMode flushMode) throws IOException {
        BenchDirectory directory = BenchDirectory.create(prefix);
        LogManager manager = new LogManager(directory.path(), LogManagerOptions.DEFAULT);
        PartitionLog log = manager.openOrCreate(PARTITION, LogConfig.DEFAULT.withFlushMode(flushMode));
        return new EngineFixture(directory, manager, log);
    }

    PartitionLog log() {
        return log;
    }

    /** Hears every fsync of the log (see {@link FlushListener}). */
    void addFlushListener(FlushListener listener) {
        manager.addFlushListener(listener);
    }

    /** A batch of {@code count} records of {@code valueBytes} random bytes, built once and appended many times. */
    static ByteBuffer batch(int count, int valueBytes, long seed) {
        Random random = new Random(seed);
        RecordBatchBuilder builder = new RecordBatchBuilder();
        long now = System.currentTimeMillis();
        for (int i = 0; i < count; i++) {
            byte[] value = new byte[valueBytes];
            random.nextBytes(value);
            builder.add(now, null, value, List.of());
        }
        ByteBuffer heap = builder.build();
        // A direct buffer, as the broker's network layer hands it over: the write needs no extra copy.
        ByteBuffer direct = ByteBuffer.allocateDirect(heap.remaining());
        direct.put(heap).flip();
        return direct;
    }

    static List<ByteBuffer> batches(int n, int count, int valueBytes, long seed) {
        ByteBuffer[] result = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            result[i] = batch(count, valueBytes, seed + i);
        }
        return List.of(result);
    }

    @Override
    public void close() throws IOException {
        try {
            manager.close();
        } finally {
            directory.close();
        }
    }
}
