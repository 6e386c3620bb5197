package dev.backbone.bench.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The hardware reference for sync appends: how many times per second one thread can append 1 KiB to a
 * file and {@code fdatasync} it ({@code force(false)}). No log, no locks: the ceiling a single synchronous
 * appender can reach, and the unit in which group commit's gain is counted.
 *
 * <p>Run: {@code java -jar backbone-bench/target/backbone-bench.jar FsyncBenchmark -f 1 -wi 2 -i 3 -w 2s -r 3s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FsyncBenchmark {

    private static final int RECORD_BYTES = 1024;

    private BenchDirectory directory;
    private FileChannel channel;
    private ByteBuffer record;
    private long position;

    @Setup(Level.Iteration)
    public void open() throws IOException {
        directory = BenchDirectory.create("fsync-bench");
        channel = FileChannel.open(directory.path().resolve("fsync.bin"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        record = ByteBuffer.allocateDirect(RECORD_BYTES);
        position = 0;
    }

    @Benchmark
    public long writeAndForce() throws IOException {
        record.clear();
        while (record.hasRemaining()) {
            position += channel.write(record, position);
        }
        channel.force(false);
        return position;
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        channel.close();
        directory.close();
    }
}
