package dev.backbone.server.stream;

import dev.backbone.client.batch.Record;
import dev.backbone.client.batch.RecordBatchHeader;
import dev.backbone.server.log.AppendObserver;
import dev.backbone.server.log.LogSlice;
import dev.backbone.server.log.OffsetOutOfRangeException;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The key streams of one partition: a {@link KeyIndex} kept in step with its {@link PartitionLog}.
 *
 * <p>It observes every append under the log's append lock ({@link AppendObserver}), so the index has seen
 * every earlier append when an {@link dev.backbone.server.log.AppendPrecondition} asks {@link #version} for a
 * key's current version: check and append are one atomic step, whatever path (key stream append or ordinary
 * produce) wrote the records.
 *
 * <p>Catching up: on {@link #open} (and whenever an append arrives that does not follow what the index
 * covers, which only happens if appends raced with opening) the index reads the log from its covered offset
 * onwards, while appends observed meanwhile are buffered (their keys copied, at most
 * {@value #MAX_BUFFERED_BYTES} bytes, then dropped and read back from the log instead). Until it has caught
 * up, {@link #version} and {@link #read} throw {@link KeyIndexUnavailableException}.
 *
 * <p>Reading a stream walks the key's chain and reads each record's batch through {@link PartitionLog#read},
 * so only the batches holding the key's records are touched; records not yet visible to readers (appended in
 * sync mode, not yet fsynced) and records deleted by retention are left out, versions unchanged.
 *
 * <p>Thread safety: safe for concurrent use. Index state is guarded by the {@link KeyIndex}'s monitor, taken
 * after the log's append lock when called from the log, never the other way round.
 */
public final class PartitionKeyIndex implements AppendObserver, Closeable {

    private static final System.Logger LOG = System.getLogger(PartitionKeyIndex.class.getName());
    private static final int CATCH_UP_READ_BYTES = 1 << 20;
    private static final long MAX_BUFFERED_BYTES = 64L << 20;
    /** How long catching up may go without progress (waiting for data to become visible) before it fails. */
    private static final long STALL_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final PartitionLog log;
    private final KeyIndex index;
    private final Executor catchUpExecutor;

    // Guarded by the monitor of index.
    private boolean ready;
    private boolean catchUpScheduled;
    private boolean closed;
    private final List<BufferedKey> buffered = new ArrayList<>();
    private long bufferedFirstOffset = -1;
    private long bufferedEndOffset = -1;
    private long bufferedBytes;

    private PartitionKeyIndex(PartitionLog log, KeyIndex index, Executor catchUpExecutor) {
        this.log = log;
        this.index = index;
        this.catchUpExecutor = catchUpExecutor;
    }

    /**
     * Opens the partition's index, registers it with the log and catches up with the log before returning.
     *
     * @param catchUpExecutor runs a catch-up in the background should one be needed after opening
     */
    public static PartitionKeyIndex open(PartitionLog log, KeyHasher hasher, Executor catchUpExecutor)
            throws IOException {
        KeyIndex index = KeyIndex.open(log.files(), log.openFiles(), log.directory(), hasher, log.logEndOffset());
        PartitionKeyIndex keys = new PartitionKeyIndex(log, index, catchUpExecutor);
        log.addAppendObserver(keys);
        try {
            keys.catchUp();
        } catch (IOException | RuntimeException e) {
            log.removeAppendObserver(keys);
            index.close();
            throw e;
        }
        return keys;
    }

    public TopicPartition topicPartition() {
        return log.topicPartition();
    }

    public PartitionLog log() {
        return log;
    }

    /** Number of distinct keys the partition has seen. */
    public int keyCount() {
        return index.keyCount();
    }

    public boolean isReady() {
        synchronized (index) {
            return ready && !closed;
        }
    }

    /**
     * The key's current version, counting every append the log has passed to observers (visible or not): the
     * value an append precondition compares with, under the append lock. -1 when the key has no record.
     *
     * @throws KeyIndexUnavailableException while catching up, after a failure, or once closed
     */
    public int version(byte[] key) {
        synchronized (index) {
            checkReady();
            return index.version(key);
        }
    }

    /**
     * Reads up to {@code limit} records of the key's stream from {@code fromVersion}, oldest first, as readers
     * see the log.
     */
    public KeyStreamRead read(byte[] key, int fromVersion, int limit) throws IOException {
        if (fromVersion < 0 || limit < 1) {
            throw new IllegalArgumentException("fromVersion must be >= 0 and limit >= 1, were " + fromVersion
                    + " and " + limit);
        }
        // Read the end first: every entry added later has an offset at or beyond it and is left out.
        long visibleEnd = log.logEndOffset();
        long logStart = log.logStartOffset();
        KeyStreamHead head;
        synchronized (index) {
            checkReady();
            head = index.head(key).orElse(null);
        }
        if (head == null) {
            return new KeyStreamRead(-1, List.of());
        }
        KeyChainWalk walk = index.walk(head, fromVersion, visibleEnd, logStart);
        List<KeyChainEntry> entries = walk.entries();
        List<VersionedRecord> records = new ArrayList<>(Math.min(limit, entries.size()));
        try (SegmentReader reader = new SegmentReader()) {
            ByteBuffer batch = null;
            for (KeyChainEntry entry : entries) {
                if (records.size() == limit) {
                    break;
                }
                Record record = batch == null ? null : BatchRecordReader.recordAt(batch, entry.offset());
                if (record == null) {
                    try {
                        batch = readBatch(reader, entry.offset());
                    } catch (OffsetOutOfRangeException | NoSuchFileException e) {
                        if (entry.offset() < log.logStartOffset()) {
                            continue; // deleted by retention since the walk
                        }
                        throw e;
                    }
                    record = BatchRecordReader.recordAt(batch, entry.offset());
                }
                if (record == null || !Arrays.equals(record.key(), key)) {
                    throw new IllegalStateException("key index of " + log.topicPartition() + " points to offset "
                            + entry.offset() + " which does not hold a record of that key");
                }
                records.add(new VersionedRecord(entry.version(), record));
            }
        }
        return new KeyStreamRead(walk.visibleVersion(), records);
    }

    @Override
    public void onAppend(TopicPartition topicPartition, long segmentBaseOffset, long filePosition,
                         ByteBuffer storedBatches) {
        onAppend(topicPartition, segmentBaseOffset, filePosition, storedBatches, List.of());
    }

    /** Indexes an append, walking compressed batches in the plain form the log's validation made of them. */
    @Override
    public void onAppend(TopicPartition topicPartition, long segmentBaseOffset, long filePosition,
                         ByteBuffer storedBatches, List<ByteBuffer> plainForms) {
        synchronized (index) {
            if (closed) {
                return;
            }
            try {
                long base = RecordBatchHeader.read(storedBatches, storedBatches.position()).baseOffset();
                rewindIfNeeded(base);
                if (!ready) {
                    buffer(storedBatches, plainForms, base);
                    return;
                }
                if (base > index.coveredOffset()) {
                    LOG.log(Level.INFO, "key index of {0} covers up to offset {1} but an append starts at {2}; "
                            + "catching up from the log", log.topicPartition(), index.coveredOffset(), base);
                    ready = false;
                    buffer(storedBatches, plainForms, base);
                    scheduleCatchUp();
                    return;
                }
                BatchKeyWalker.walk(storedBatches, plainForms, new Indexer(Long.MIN_VALUE));
                index.flush();
            } catch (KeyIndexUnavailableException e) {
                // Logged where the index failed; it stays unavailable until reopened.
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.ERROR, "key index of " + log.topicPartition() + " could not index an append", e);
                ready = false;
                scheduleCatchUp();
            }
        }
    }

    /**
     * Retention removed whole segments: the chain is now the only trace of their records, and so of the versions
     * of the keys they held. It is fsynced here, under the append lock, before the log's next directory fsync
     * makes the removal durable; else a power cut could take the unsynced chain with it and leave an index
     * rebuilt from the records that remain, its versions counted from there.
     */
    @Override
    public void onSegmentsDeleted(long newLogStartOffset) {
        synchronized (index) {
            if (closed) {
                return;
            }
            try {
                index.sync();
            } catch (KeyIndexUnavailableException e) {
                // Logged where the index failed; it stays unavailable until reopened.
            }
        }
    }

    /** Removes the index from the log, writes its snapshot and closes its files. */
    @Override
    public void close() throws IOException {
        log.removeAppendObserver(this);
        synchronized (index) {
            closed = true;
            buffered.clear();
            index.close();
        }
    }

    /** Reads the log from the covered offset until the index has caught up with it and with buffered appends. */
    void catchUp() throws IOException {
        long lastCovered = -1;
        long stallStart = System.nanoTime();
        while (true) {
            feedVisible();
            long covered;
            synchronized (index) {
                if (closed) {
                    return;
                }
                covered = index.coveredOffset();
                if (buffered.isEmpty() ? covered >= log.logEndOffset() : covered >= bufferedFirstOffset) {
                    applyBuffered();
                    ready = true;
                    catchUpScheduled = false;
                    return;
                }
            }
            if (covered != lastCovered) {
                lastCovered = covered;
                stallStart = System.nanoTime();
            } else if (System.nanoTime() - stallStart > STALL_LIMIT_NANOS) {
                throw new IOException("key index of " + log.topicPartition() + " could not catch up: it covers up to "
                        + covered + ", the log's visible end is " + log.logEndOffset() + " and appends from "
                        + bufferedFirstOffset + " wait");
            } else {
                // The records between the covered offset and the buffered appends are written but not yet
                // visible (an fsync is pending): give the flusher a moment.
                sleepBriefly();
            }
        }
    }

    /** Indexes the records between the covered offset and the log's visible end, a chunk at a time. */
    private void feedVisible() throws IOException {
        try (SegmentReader reader = new SegmentReader()) {
            while (true) {
                long covered;
                synchronized (index) {
                    covered = index.coveredOffset();
                    if (covered < log.logStartOffset()) {
                        index.advance(log.logStartOffset());
                        continue;
                    }
                }
                if (covered >= log.logEndOffset()) {
                    return;
                }
                ByteBuffer bytes;
                try {
                    LogSlice slice = log.read(covered, CATCH_UP_READ_BYTES);
                    if (slice.isEmpty()) {
                        return;
                    }
                    bytes = reader.read(slice);
                } catch (OffsetOutOfRangeException | NoSuchFileException e) {
                    if (covered < log.logStartOffset()) {
                        continue; // retention removed what we were about to read
                    }
                    throw e;
                }
                synchronized (index) {
                    if (closed) {
                        return;
                    }
                    if (index.coveredOffset() != covered) {
                        continue; // the index was cut back meanwhile: read again from where it is now
                    }
                    BatchKeyWalker.walk(bytes, new Indexer(covered));
                    index.flush();
                }
            }
        }
    }

    private void applyBuffered() throws IOException {
        long covered = index.coveredOffset();
        for (BufferedKey key : buffered) {
            if (key.offset() >= covered) {
                index.add(key.offset(), ByteBuffer.wrap(key.key()), 0, key.key().length);
            }
        }
        if (bufferedEndOffset > 0) {
            index.advance(bufferedEndOffset);
        }
        index.flush();
        clearBuffer();
    }

    private void buffer(ByteBuffer storedBatches, List<ByteBuffer> plainForms, long base) throws IOException {
        if (bufferedBytes > MAX_BUFFERED_BYTES) {
            // Too much arrived while catching up; these records are in the log and are read back from there.
            clearBuffer();
        }
        if (bufferedFirstOffset < 0) {
            bufferedFirstOffset = base;
        }
        BatchKeyWalker.walk(storedBatches, plainForms, new BatchKeyWalker.RecordVisitor() {
            @Override
            public void keyedRecord(long offset, ByteBuffer buf, int keyPosition, int keyLength) {
                byte[] key = new byte[keyLength];
                buf.get(keyPosition, key);
                buffered.add(new BufferedKey(offset, key));
                bufferedBytes += keyLength + 32L;
            }

            @Override
            public void batchEnd(long nextOffset) {
                bufferedEndOffset = nextOffset;
            }
        });
    }

    /** An append starting below what is indexed means the log was cut back: forget what it no longer holds. */
    private void rewindIfNeeded(long base) throws IOException {
        if (base < index.coveredOffset()) {
            LOG.log(Level.WARNING, "log {0} was cut back to offset {1} below the key index's covered offset {2}; "
                    + "rewinding the index", log.topicPartition(), base, index.coveredOffset());
            index.truncateFrom(base);
        }
        if (!buffered.isEmpty() && base < bufferedEndOffset) {
            buffered.removeIf(key -> key.offset() >= base);
            bufferedEndOffset = base;
            if (buffered.isEmpty()) {
                clearBuffer();
            }
        }
    }

    private void clearBuffer() {
        buffered.clear();
        bufferedFirstOffset = -1;
        bufferedEndOffset = -1;
        bufferedBytes = 0;
    }

    private void scheduleCatchUp() {
        if (catchUpScheduled || closed) {
            return;
        }
        catchUpScheduled = true;
        catchUpExecutor.execute(() -> {
            try {
                catchUp();
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.ERROR, "key index of " + log.topicPartition() + " could not catch up; it stays "
                        + "unavailable until the partition is reopened", e);
            }
        });
    }

    private void checkReady() {
        if (closed) {
            throw new KeyIndexUnavailableException(index.directory(), "closed", null);
        }
        if (!ready) {
            throw new KeyIndexUnavailableException(index.directory(), "catching up with the log", null);
        }
    }

    /** The one batch holding {@code offset}, as stored. */
    private ByteBuffer readBatch(SegmentReader reader, long offset) throws IOException {
        LogSlice slice = log.read(offset, 1);
        if (slice.isEmpty()) {
            throw new OffsetOutOfRangeException(log.topicPartition(), offset, log.logStartOffset(),
                    log.logEndOffset());
        }
        return reader.read(slice);
    }

    private static void sleepBriefly() throws IOException {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while catching up", e);
        }
    }

    /** Adds the keyed records at or after {@code fromOffset} to the index; caller holds the index monitor. */
    private final class Indexer implements BatchKeyWalker.RecordVisitor {
        private final long fromOffset;

        Indexer(long fromOffset) {
            this.fromOffset = fromOffset;
        }

        @Override
        public void keyedRecord(long offset, ByteBuffer buf, int keyPosition, int keyLength) {
            if (offset >= fromOffset) {
                index.add(offset, buf, keyPosition, keyLength);
            }
        }

        @Override
        public void batchEnd(long nextOffset) {
            index.advance(nextOffset);
        }
    }

    private record BufferedKey(long offset, byte[] key) {
    }
}
