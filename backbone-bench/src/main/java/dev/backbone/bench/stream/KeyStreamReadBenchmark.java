package dev.backbone.bench.stream;

import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.client.batch.RecordBatchDecoder;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogConfig;
import dev.backbone.server.log.LogManager;
import dev.backbone.server.log.LogManagerOptions;
import dev.backbone.server.log.LogSlice;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import dev.backbone.server.stream.KeyHasher;
import dev.backbone.server.stream.KeyStreamRead;
import dev.backbone.server.stream.PartitionKeyIndex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Reading one key's stream out of a partition holding a million keys, through the engine and the key index (no
 * HTTP): the cost that makes event sourcing on the log practical.
 *
 * <p>The partition holds {@code keys} keys with one record each and 1,000 "aggregates" with
 * {@code recordsPerStream} records each, spread evenly over the whole log, in batches of {@code recordsPerBatch}
 * records of {@code valueBytes} bytes. So every record of an aggregate sits in a different batch, and reading a
 * stream costs {@code recordsPerStream} batch reads: the worst case for the index (an aggregate appended in one
 * request sits in one batch). The data is in the page cache, as a busy broker's tail is.
 *
 * <ul>
 *   <li>{@code readStream}: all records of one aggregate from version 0;</li>
 *   <li>{@code readNewest}: the newest record only (catching up after a snapshot);</li>
 *   <li>{@code currentVersion}: the version lookup an append precondition makes under the append lock;</li>
 *   <li>{@code scanPartitionForOneKey}: the same answer as {@code readStream} without an index, by decoding the
 *       whole partition, for scale.</li>
 * </ul>
 *
 * <p>Run: {@code java -jar backbone-bench/target/backbone-bench.jar KeyStreamReadBenchmark -f 1 -wi 2 -i 3 -w 2s
 * -r 3s}; data in {@code -Dbackbone.bench.dir} (default {@code java.io.tmpdir}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class KeyStreamReadBenchmark {

    private static final int AGGREGATES = 1_000;
    private static final TopicPartition TP = new TopicPartition("bench-keys", 0);

    @Param("1000000")
    public int keys;

    @Param("20")
    public int recordsPerStream;

    @Param({"100"})
    public int recordsPerBatch;

    @Param("100")
    public int valueBytes;

    private Path directory;
    private LogManager manager;
    private PartitionLog log;
    private PartitionKeyIndex index;
    private ExecutorService executor;
    private byte[][] aggregates;

    @Setup(Level.Trial)
    public void fill() throws IOException {
        Path parent = Path.of(System.getProperty("backbone.bench.dir", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(parent);
        directory = Files.createTempDirectory(parent, "key-stream-bench");
        manager = new LogManager(directory, LogManagerOptions.DEFAULT);
        log = manager.openOrCreate(TP, LogConfig.DEFAULT);
        executor = Executors.newSingleThreadExecutor();
        index = PartitionKeyIndex.open(log, KeyHasher.XXH64, executor);
        aggregates = new byte[AGGREGATES][];
        for (int a = 0; a < AGGREGATES; a++) {
            aggregates[a] = ("aggregate-" + a).getBytes(StandardCharsets.UTF_8);
        }
        long total = (long) keys + (long) AGGREGATES * recordsPerStream;
        long stride = total / ((long) AGGREGATES * recordsPerStream);
        byte[] value = new byte[valueBytes];
        Arrays.fill(value, (byte) 'v');
        RecordBatchBuilder builder = new RecordBatchBuilder();
        int nextKey = 0;
        int nextAggregate = 0;
        long aggregateRecords = 0;
        long started = System.nanoTime();
        for (long i = 0; i < total; i++) {
            byte[] key;
            if (i % stride == 0 && aggregateRecords < (long) AGGREGATES * recordsPerStream) {
                key = aggregates[nextAggregate];
                nextAggregate = (nextAggregate + 1) % AGGREGATES;
                aggregateRecords++;
            } else {
                key = ("key-" + nextKey++).getBytes(StandardCharsets.UTF_8);
            }
            builder.add(i, key, value, List.of());
            if (builder.recordCount() == recordsPerBatch) {
                log.append(builder.build(), FlushMode.NONE);
                builder = new RecordBatchBuilder();
            }
        }
        if (builder.recordCount() > 0) {
            log.append(builder.build(), FlushMode.NONE);
        }
        KeyStreamRead check = index.read(aggregates[7], 0, 100_000);
        if (check.records().size() != recordsPerStream) {
            throw new IllegalStateException("aggregate-7 has " + check.records().size() + " records, expected "
                    + recordsPerStream);
        }
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        System.out.printf("%n[setup] %,d records, %,d distinct keys, log %,d bytes, filled in %.1f s, heap used "
                        + "after GC %,d bytes%n", total, index.keyCount(), log.sizeBytes(),
                (System.nanoTime() - started) / 1e9, runtime.totalMemory() - runtime.freeMemory());
    }

    @Benchmark
    public KeyStreamRead readStream() throws IOException {
        return index.read(randomAggregate(), 0, 100_000);
    }

    @Benchmark
    public KeyStreamRead readNewest() throws IOException {
        return index.read(randomAggregate(), recordsPerStream - 1, 1);
    }

    @Benchmark
    public int currentVersion() {
        return index.version(randomAggregate());
    }

    @Benchmark
    public int scanPartitionForOneKey() throws IOException {
        byte[] key = randomAggregate();
        int found = 0;
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            LogSlice slice = log.read(offset, 1 << 20);
            ByteBuffer bytes = ByteBuffer.allocate(slice.sizeBytes());
            try (FileChannel channel = FileChannel.open(slice.segmentFile(), StandardOpenOption.READ)) {
                while (bytes.hasRemaining()) {
                    if (channel.read(bytes, slice.position() + bytes.position()) < 0) {
                        throw new IOException("short read of " + slice);
                    }
                }
            }
            for (Record record : RecordBatchDecoder.decodeAll(bytes.flip())) {
                if (Arrays.equals(record.key(), key)) {
                    found++;
                }
            }
            offset = slice.nextOffset();
        }
        return found;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        index.close();
        manager.close();
        executor.shutdownNow();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    private byte[] randomAggregate() {
        return aggregates[ThreadLocalRandom.current().nextInt(AGGREGATES)];
    }
}
