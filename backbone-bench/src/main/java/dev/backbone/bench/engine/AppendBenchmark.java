package dev.backbone.bench.engine;

import dev.backbone.server.log.AppendResult;
import dev.backbone.server.log.FlushMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
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
 * Append throughput with flush {@code none}: batches of 1,000 records of 1 KiB appended by one thread, as
 * a producer's binary requests arrive. Each operation is one batch; the {@code bytes} counter gives MB/s.
 *
 * <p>Each iteration starts a fresh log in a fresh directory and deletes it afterwards, so the disk in use
 * stays bounded by one iteration's writes. Flush {@code none} returns once the page cache holds the data, so
 * for short iterations this measures the write path and the page cache; iterations long enough to fill the
 * kernel's dirty limit settle at the disk's writeback rate.
 *
 * <p>Run: {@code java -jar backbone-bench/target/backbone-bench.jar AppendBenchmark -f 1 -wi 2 -i 3 -w 2s -r 3s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class AppendBenchmark {

    @Param("1000")
    public int recordsPerBatch;

    @Param("1024")
    public int recordBytes;

    private EngineFixture fixture;
    private ByteBuffer batch;
    private int batchBytes;

    @Setup(Level.Trial)
    public void buildBatch() {
        batch = EngineFixture.batch(recordsPerBatch, recordBytes, 1);
        batchBytes = batch.remaining();
    }

    @Setup(Level.Iteration)
    public void open() throws IOException {
        fixture = EngineFixture.open("append-bench", FlushMode.NONE);
    }

    @Benchmark
    public long append(ByteCounter counter) throws IOException {
        // The engine rewrites the base offset in place, outside the CRC, so one batch serves every append.
        AppendResult result = fixture.log().append(batch.duplicate(), FlushMode.NONE);
        counter.bytes += batchBytes;
        counter.records += recordsPerBatch;
        return result.lastOffset();
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        fixture.close();
    }
}
