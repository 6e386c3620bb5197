package dev.backbone.bench.engine;

import dev.backbone.server.log.FlushMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Appends with flush {@code sync}: 1, 8 and 64 threads, each appending one 1 KiB record at a time and
 * waiting for its fsync. The score is acknowledged appends per second over all threads; the ratio of the
 * 64-thread to the 1-thread score shows what group commit shares.
 *
 * <p>Run: {@code java -jar backbone-bench/target/backbone-bench.jar SyncAppendBenchmark -f 1 -wi 2 -i 3 -w 2s -r 3s}
 * ({@code -t} would override the per-method thread counts).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SyncAppendBenchmark {

    private static final int RECORD_BYTES = 1024;

    /** One log shared by all threads of a benchmark method, a fresh one for each method. */
    @State(Scope.Benchmark)
    public static class SharedLog {

        private EngineFixture fixture;
        private final AtomicLong seeds = new AtomicLong();

        @Setup(Level.Trial)
        public void open() throws IOException {
            fixture = EngineFixture.open("sync-append-bench", FlushMode.SYNC);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            fixture.close();
        }
    }

    /** Each thread's own one-record batch: the engine rewrites the base offset in place. */
    @State(Scope.Thread)
    public static class OwnBatch {

        private ByteBuffer batch;

        @Setup(Level.Trial)
        public void build(SharedLog shared) {
            batch = EngineFixture.batch(1, RECORD_BYTES, shared.seeds.incrementAndGet());
        }
    }

    @Benchmark
    @Threads(1)
    public long sync1(SharedLog shared, OwnBatch own) throws IOException {
        return append(shared, own);
    }

    @Benchmark
    @Threads(8)
    public long sync8(SharedLog shared, OwnBatch own) throws IOException {
        return append(shared, own);
    }

    @Benchmark
    @Threads(64)
    public long sync64(SharedLog shared, OwnBatch own) throws IOException {
        return append(shared, own);
    }

    private static long append(SharedLog shared, OwnBatch own) throws IOException {
        return shared.fixture.log().append(own.batch.duplicate(), FlushMode.SYNC).lastOffset();
    }
}
