package dev.backbone.server.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import dev.backbone.client.batch.RecordBatchDescriptor;
import dev.backbone.server.log.TopicPartition;

/**
 * Writes segment files the way the engine lays them out ({@code <20-digit base>.log}, batches back to back, base
 * offsets assigned contiguously, roll by size) and hands every append to a {@link PartitionChain} the way the
 * engine's append observer does. Also recomputes the chain independently (plain SHA-256 over the files) so tests
 * compare the chain against a simple model.
 */
final class FileLogFixture {

    static final TopicPartition TP = new TopicPartition("t", 0);

    /** One stored batch, as the model remembers it. */
    record Stored(long segmentBase, long position, int size, long baseOffset, long lastOffset) {
    }

    private final Path directory;
    private final long segmentBytes;
    private final TreeMap<Long, Long> segmentSizes = new TreeMap<>();
    private final List<Stored> stored = new ArrayList<>();
    private long nextOffset;
    private PartitionChain chain;

    FileLogFixture(Path directory, long segmentBytes) throws IOException {
        this.directory = directory;
        this.segmentBytes = segmentBytes;
        try (var files = Files.list(directory)) {
            files.forEach(p -> {
                long base = ChainDescriptor.baseOffsetOf(p.getFileName().toString(), ".log");
                if (base >= 0) {
                    try {
                        segmentSizes.put(base, Files.size(p));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
        }
    }

    void attach(PartitionChain chain) {
        this.chain = chain;
    }

    /** Appends batches of random records (1 to 5 per batch), one append call per element of {@code batches}. */
    List<Stored> appendRandom(Random random, int appends) throws IOException {
        List<Stored> result = new ArrayList<>();
        for (int i = 0; i < appends; i++) {
            int batchesInAppend = 1 + random.nextInt(3);
            List<ByteBuffer> batches = new ArrayList<>();
            for (int b = 0; b < batchesInAppend; b++) {
                byte[][] values = new byte[1 + random.nextInt(5)][];
                for (int r = 0; r < values.length; r++) {
                    values[r] = new byte[random.nextInt(200)];
                    random.nextBytes(values[r]);
                }
                batches.add(TestBatches.batch(1_700_000_000_000L + i, values));
            }
            result.addAll(append(batches, true));
        }
        return result;
    }

    /** Appends {@code batches} as one write; tells the chain when {@code notify}. */
    List<Stored> append(List<ByteBuffer> batches, boolean notify) throws IOException {
        int total = batches.stream().mapToInt(ByteBuffer::remaining).sum();
        long base = activeBase();
        long position = segmentSizes.getOrDefault(base, 0L);
        if (position > 0 && position + total > segmentBytes) {
            base = nextOffset;
            position = 0;
        }
        ByteBuffer write = ByteBuffer.allocate(total);
        List<Stored> result = new ArrayList<>();
        for (ByteBuffer batch : batches) {
            ByteBuffer copy = batch.duplicate();
            int at = write.position();
            write.put(copy);
            write.putLong(at + RecordBatchDescriptor.BASE_OFFSET_OFFSET, nextOffset);
            write.putInt(at + RecordBatchDescriptor.PARTITION_LEADER_EPOCH_OFFSET, 0);
            int lastDelta = write.getInt(at + RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET);
            result.add(new Stored(base, position + at, batch.remaining(), nextOffset, nextOffset + lastDelta));
            nextOffset += lastDelta + 1;
        }
        write.flip();
        try (FileChannel channel = FileChannel.open(ChainDescriptor.segmentFile(directory, base),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            channel.write(write.duplicate(), position);
        }
        segmentSizes.put(base, position + total);
        stored.addAll(result);
        if (notify) {
            chain.onAppend(TP, base, position, write.asReadOnlyBuffer());
        }
        return result;
    }

    /** Truncates the active segment back to {@code position} (an append the engine took back). */
    void truncateActive(long position) throws IOException {
        long base = activeBase();
        try (FileChannel channel = FileChannel.open(ChainDescriptor.segmentFile(directory, base),
                StandardOpenOption.WRITE)) {
            channel.truncate(position);
        }
        segmentSizes.put(base, position);
        stored.removeIf(s -> s.segmentBase() == base && s.position() >= position);
        nextOffset = stored.isEmpty() ? 0 : stored.get(stored.size() - 1).lastOffset() + 1;
    }

    /** Deletes the oldest {@code count} segments (never the active one) and tells the chain. */
    long deleteOldest(int count) throws IOException {
        for (int i = 0; i < count && segmentSizes.size() > 1; i++) {
            long base = segmentSizes.firstKey();
            Files.delete(ChainDescriptor.segmentFile(directory, base));
            segmentSizes.remove(base);
            stored.removeIf(s -> s.segmentBase() == base);
        }
        long start = segmentSizes.firstKey();
        chain.onSegmentsDeleted(start);
        return start;
    }

    long activeBase() {
        return segmentSizes.isEmpty() ? 0 : segmentSizes.lastKey();
    }

    int segmentCount() {
        return segmentSizes.size();
    }

    List<Stored> stored() {
        return List.copyOf(stored);
    }

    Path directory() {
        return directory;
    }

    /**
     * The head computed the plain way: SHA-256 chained over every batch of every segment file, starting from
     * {@code start} (genesis or the anchor's link).
     */
    static byte[] modelHead(Path directory, byte[] start, List<Stored> batches) throws Exception {
        byte[] link = start;
        for (Stored s : batches) {
            byte[] bytes = new byte[s.size()];
            try (FileChannel channel = FileChannel.open(ChainDescriptor.segmentFile(directory, s.segmentBase()))) {
                channel.read(ByteBuffer.wrap(bytes), s.position());
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(link);
            sha.update(bytes);
            link = sha.digest();
        }
        return link;
    }

    /** Flips one bit of the byte at {@code position} of {@code file}. */
    static void flipBit(Path file, long position, int bit) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) (one.get(0) ^ (1 << bit)));
            one.rewind();
            channel.write(one, position);
        }
    }
}
