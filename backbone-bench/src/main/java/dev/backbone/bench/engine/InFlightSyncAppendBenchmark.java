package dev.backbone.bench.engine;

import dev.backbone.server.log.AppendPrecondition;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.PartitionLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Threads;

/**
 * Appends with flush {@code sync} the way the broker's request handlers do: one thread keeps {@code appenders}
 * appends in flight, each appender appending one 1 KiB record and appending its next only once the previous one is
 * acknowledged ({@code PartitionLog.appendAsync}). No thread parks per appender, so a shared fsync costs one
 * wake-up instead of one per appender. The score is appends per second; at {@code appenders = 1} it is the plain
 * one-at-a-time sync rate. Two secondary figures explain it: {@code fsyncs} (fsyncs per second) and
 * {@code fsyncMicros} (microseconds spent in fsync per second of run), so appends per fsync is the score over
 * {@code fsyncs}, and the mean fsync is {@code fsyncMicros} over {@code fsyncs}.
 *
 * <p>With {@code partitions} above 1 the appenders take turns over that many partitions, each with its own file
 * and group commit, all fsynced by the log manager's one flusher thread.
 *
 * <p>Run: {@code java -jar backbone-bench/target/backbone-bench.jar InFlightSyncAppendBenchmark -f 1 -wi 2 -i 3
 * -w 2s -r 3s}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Threads(1)
public class InFlightSyncAppendBenchmark {

    private static final int RECORD_BYTES = 1024;

    @Param({"1", "8", "64"})
    public int appenders;

    @Param({"1"})
    public int partitions;

    private EngineFixture fixture;
    private ByteBuffer batch;
    private Semaphore idleAppenders;
    private int nextPartition;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final LongAdder fsyncCount = new LongAdder();
    private final LongAdder fsyncNanos = new LongAdder();

    /** Fsyncs since the iteration began, which JMH reports as rates beside the score (it zeroes them each iteration). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Fsyncs {

        public long fsyncs;
        public long fsyncMicros;
        private long countSeen;
        private long nanosSeen;

        /** Adds the fsyncs made since the last call. */
        void update(InFlightSyncAppendBenchmark benchmark) {
            long count = benchmark.fsyncCount.sum();
            long nanos = benchmark.fsyncNanos.sum();
            fsyncs += count - countSeen;
            fsyncMicros += nanos / 1_000 - nanosSeen / 1_000;
            countSeen = count;
            nanosSeen = nanos;
        }
    }

    @Setup(Level.Trial)
    public void open() throws IOException {
        fixture = EngineFixture.open("in-flight-sync-bench", FlushMode.SYNC, partitions);
        fixture.addFlushListener((topicPartition, durationNanos, offsetsCovered) -> {
            fsyncCount.increment();
            fsyncNanos.add(durationNanos);
        });
        batch = EngineFixture.batch(1, RECORD_BYTES, 1);
        idleAppenders = new Semaphore(appenders);
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        // Every append in flight must finish before the log closes under it.
        idleAppenders.acquire(appenders);
        fixture.close();
    }

    /** Waits for an idle appender, then starts its next append; the batch is in the file when appendAsync returns, so it is reused. */
    @Benchmark
    public void append(Fsyncs fsyncs) throws Exception {
        idleAppenders.acquire();
        fsyncs.update(this);
        Throwable failed = failure.get();
        if (failed != null) {
            throw new IllegalStateException("an append failed", failed);
        }
        PartitionLog log = fixture.log(nextPartition);
        nextPartition = (nextPartition + 1) % partitions;
        log.appendAsync(batch.duplicate(), FlushMode.SYNC, AppendPrecondition.NONE)
                .whenComplete((result, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    }
                    idleAppenders.release();
                });
    }
}
