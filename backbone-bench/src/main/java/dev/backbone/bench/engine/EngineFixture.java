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
 * Partition logs (one unless asked for more) in a scratch directory, opened through the log manager as the
 * broker opens them.
 * Not thread-safe to open or close; the log itself is as thread-safe as the engine makes it.
 */
final class EngineFixture implements AutoCloseable {

    static final TopicPartition PARTITION = new TopicPartition("bench", 0);

    private final BenchDirectory directory;
    private final LogManager manager;
    private final List<PartitionLog> logs;

    private EngineFixture(BenchDirectory directory, LogManager manager, List<PartitionLog> logs) {
        this.directory = directory;
        this.manager = manager;
        this.logs = logs;
    }

    static EngineFixture open(String prefix, FlushMode flushMode) throws IOException {
        return open(prefix, flushMode, 1);
    }

    /** Partitions 0 to {@code partitions - 1} of topic {@code bench}. */
    static EngineFixture open(String prefix, FlushMode flushMode, int partitions) throws IOException {
        BenchDirectory directory = BenchDirectory.create(prefix);
        LogManager manager = new LogManager(directory.path(), LogManagerOptions.DEFAULT);
        PartitionLog[] logs = new PartitionLog[partitions];
        for (int i = 0; i < partitions; i++) {
            logs[i] = manager.openOrCreate(new TopicPartition(PARTITION.topic(), i),
                    LogConfig.DEFAULT.withFlushMode(flushMode));
        }
        return new EngineFixture(directory, manager, List.of(logs));
    }

    /** Partition 0. */
    PartitionLog log() {
        return logs.get(0);
    }

    PartitionLog log(int partition) {
        return logs.get(partition);
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
