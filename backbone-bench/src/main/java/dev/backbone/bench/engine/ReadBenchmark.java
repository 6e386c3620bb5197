package dev.backbone.bench.engine;

import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogSlice;
import dev.backbone.server.log.PartitionLog;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
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
 * Read throughput from the page cache: a log of {@code logMiB} of 1 KiB records is written once, then read
 * round and round in slices of {@code maxBytes}, as consumers fetch it. Two ways to move a slice:
 * {@link #readIntoDirectBuffer} copies it into a direct buffer with positional reads (the cost of reading,
 * for a reader that looks at the bytes), {@link #transferToSocket} sends it with {@code transferTo}
 * (sendfile) to a loopback socket drained by another thread, the broker's zero-copy fetch path without
 * HTTP. The {@code bytes} counter gives MB/s.
 *
 * <p>Run: {@code java -jar backbone-bench/target/backbone-bench.jar ReadBenchmark -f 1 -wi 2 -i 3 -w 2s -r 3s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class ReadBenchmark {

    private static final int RECORDS_PER_BATCH = 1000;
    private static final int RECORD_BYTES = 1024;

    @Param("1024")
    public int logMiB;

    @Param("1048576")
    public int maxBytes;

    private EngineFixture fixture;
    private final Map<Path, FileChannel> channels = new HashMap<>();
    private ByteBuffer target;
    private long offset;
    private ServerSocketChannel server;
    private SocketChannel socket;
    private Thread drain;

    @Setup(Level.Trial)
    public void fill() throws IOException {
        fixture = EngineFixture.open("read-bench", FlushMode.NONE);
        ByteBuffer batch = EngineFixture.batch(RECORDS_PER_BATCH, RECORD_BYTES, 1);
        long bytes = (long) logMiB << 20;
        for (long written = 0; written < bytes; written += batch.remaining()) {
            fixture.log().append(batch.duplicate(), FlushMode.NONE);
        }
        target = ByteBuffer.allocateDirect(Math.max(maxBytes, batch.remaining()));
        offset = fixture.log().logStartOffset();
        openLoopback();
    }

    private void openLoopback() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket = SocketChannel.open(server.getLocalAddress());
        SocketChannel accepted = server.accept();
        drain = new Thread(() -> {
            ByteBuffer sink = ByteBuffer.allocateDirect(1 << 20);
            try (accepted) {
                while (accepted.read(sink.clear()) >= 0) {
                    // Discard: only the sender's cost is measured.
                }
            } catch (IOException e) {
                // The benchmark closed the socket.
            }
        }, "read-bench-drain");
        drain.setDaemon(true);
        drain.start();
    }

    @Benchmark
    public long readIntoDirectBuffer(ByteCounter counter) throws IOException {
        LogSlice slice = nextSlice();
        FileChannel channel = channel(slice.segmentFile());
        ByteBuffer buffer = target.clear();
        if (buffer.capacity() < slice.sizeBytes()) {
            target = ByteBuffer.allocateDirect(slice.sizeBytes());
            buffer = target;
        }
        buffer.limit(slice.sizeBytes());
        long position = slice.position();
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position);
            if (read < 0) {
                throw new IOException("segment " + slice.segmentFile() + " ended at " + position + ", slice "
                        + slice);
            }
            position += read;
        }
        count(counter, slice);
        return buffer.get(0);
    }

    @Benchmark
    public long transferToSocket(ByteCounter counter) throws IOException {
        LogSlice slice = nextSlice();
        FileChannel channel = channel(slice.segmentFile());
        long position = slice.position();
        long end = position + slice.sizeBytes();
        while (position < end) {
            position += channel.transferTo(position, end - position, socket);
        }
        count(counter, slice);
        return position;
    }

    private LogSlice nextSlice() throws IOException {
        PartitionLog log = fixture.log();
        if (offset >= log.logEndOffset()) {
            offset = log.logStartOffset();
        }
        LogSlice slice = log.read(offset, maxBytes);
        offset = slice.nextOffset();
        return slice;
    }

    private void count(ByteCounter counter, LogSlice slice) {
        counter.bytes += slice.sizeBytes();
        counter.records += slice.nextOffset() - slice.firstOffset();
    }

    private FileChannel channel(Path file) throws IOException {
        FileChannel channel = channels.get(file);
        if (channel == null) {
            channel = FileChannel.open(file, StandardOpenOption.READ);
            channels.put(file, channel);
        }
        return channel;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException, InterruptedException {
        socket.close();
        drain.join(TimeUnit.SECONDS.toMillis(10));
        server.close();
        for (FileChannel channel : channels.values()) {
            channel.close();
        }
        fixture.close();
    }
}
