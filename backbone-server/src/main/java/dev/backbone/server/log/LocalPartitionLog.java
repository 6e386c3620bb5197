package dev.backbone.server.log;

import dev.backbone.client.batch.BatchInflater;
import dev.backbone.client.batch.RecordBatchDescriptor;
import dev.backbone.client.batch.RecordBatchHeader;
import dev.backbone.client.batch.RecordBatchValidator;
import dev.backbone.server.log.io.OpenFileBudget;
import dev.backbone.server.log.io.StorageFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

/**
 * A partition log on local disk: segments in one directory, the newest of which takes appends.
 *
 * <p>Append: batches are validated without the lock; then, under the partition's append lock, the precondition
 * runs, the log rolls if the active segment is full or old, base offsets and leader epochs are rewritten in
 * place, the bytes go to the file in one positional write loop, the in-memory indexes and end are updated and
 * observers are told. Flush {@code NONE} makes the data visible at once; flush {@code SYNC} queues the log on
 * the {@link Flusher} and waits, without the lock, for the fsync that covers it (group commit).
 *
 * <p>Read: takes the volatile visible end, finds the segment by base offset (floor), the nearest index entry,
 * and walks batch headers to the exact batch. It never takes the append lock.
 *
 * <p>Thread safety: appends serialized by a lock, concurrent lock-free reads; the flush state is guarded by
 * {@code flushMonitor}, which only the flusher thread and {@link #close} take.
 */
final class LocalPartitionLog implements PartitionLog {

    private static final System.Logger LOG = System.getLogger(LocalPartitionLog.class.getName());
    /** The leader epoch stamped on every batch; a single node is leader from epoch 0 on. */
    static final int LEADER_EPOCH = 0;
    /** In place of a leader epoch: the batches are copies from another replica and keep offsets and epochs. */
    private static final int KEEP_AS_COPIED = Integer.MIN_VALUE;

    /** Where the log ends: the offset after the last record, and the segment and byte position of that point. */
    private record LogEnd(long offset, LogSegment segment, long position) {
    }

    private final StorageFiles files;
    private final OpenFileBudget budget;
    private final TopicPartition topicPartition;
    private final Path dir;
    private final Clock clock;
    private final Flusher flusher;
    private final ScheduledExecutorService scheduler;
    private final Duration fileDeleteDelay;
    private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
    private final ReentrantLock appendLock = new ReentrantLock();
    private final Object flushMonitor = new Object();
    private final AtomicReference<LogEnd> visible;
    private final SyncWaiters waiters = new SyncWaiters();
    private final ConcurrentLinkedQueue<LogSegment> unflushedSealed = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushQueued = new AtomicBoolean();
    private final LongAdder flushes = new LongAdder();
    private final CopyOnWriteArrayList<LongConsumer> listeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<AppendObserver> observers = new CopyOnWriteArrayList<>();

    private volatile LogConfig config;
    private volatile LogSegment active;
    private volatile LogEnd written;
    private volatile long durableOffset;
    private volatile long logStartOffset;
    private volatile boolean closed;
    private volatile IOException failure;
    /**
     * Opened after a clean shutdown and neither appended to nor trimmed by retention since: its files are as durable
     * as the last clean close left them, so closing it writes and fsyncs nothing.
     */
    private volatile boolean untouchedSinceCleanOpen;

    // Guarded by appendLock.
    private long nextOffset;
    private long pendingSyncEnd;

    // Guarded by flushMonitor.
    private long directorySyncedForBase = -1;
    private boolean flushClosed;

    private LocalPartitionLog(StorageFiles files, OpenFileBudget budget, TopicPartition topicPartition, Path dir,
                              LogConfig config, List<LogSegment> loaded, long logStartCheckpoint, boolean cleanOpen,
                              Clock clock, Flusher flusher, ScheduledExecutorService scheduler,
                              Duration fileDeleteDelay) {
        this.files = files;
        this.untouchedSinceCleanOpen = cleanOpen;
        this.budget = budget;
        this.topicPartition = topicPartition;
        this.dir = dir;
        this.config = config;
        this.clock = clock;
        this.flusher = flusher;
        this.scheduler = scheduler;
        this.fileDeleteDelay = fileDeleteDelay;
        for (LogSegment segment : loaded) {
            segments.put(segment.baseOffset(), segment);
        }
        this.active = loaded.get(loaded.size() - 1);
        this.nextOffset = active.nextOffset();
        LogEnd end = new LogEnd(nextOffset, active, active.sizeBytes());
        this.written = end;
        this.visible = new AtomicReference<>(end);
        this.durableOffset = nextOffset;
        this.pendingSyncEnd = nextOffset;
        long firstBase = loaded.get(0).baseOffset();
        this.logStartOffset = Math.max(firstBase, Math.min(logStartCheckpoint, nextOffset));
    }

    /**
     * Opens (creating when needed) and recovers the log in {@code dir}.
     *
     * @param recoveryPoint      the offset below which data was known durable (segments from the one holding it
     *                           on are scanned); ignored after a clean shutdown
     * @param logStartCheckpoint the log start offset last written, or -1
     */
    static LocalPartitionLog open(StorageFiles files, OpenFileBudget budget, TopicPartition topicPartition,
                                  Path dir, LogConfig config, long recoveryPoint, boolean cleanShutdown,
                                  long logStartCheckpoint, Clock clock, Flusher flusher,
                                  ScheduledExecutorService scheduler, Duration fileDeleteDelay)
            throws IOException {
        LogLoader.Loaded loaded = LogLoader.load(files, budget, dir, config, recoveryPoint, cleanShutdown,
                logStartCheckpoint, clock.millis());
        return new LocalPartitionLog(files, budget, topicPartition, dir, config, loaded.segments(),
                logStartCheckpoint, cleanShutdown && loaded.asLeft(), clock, flusher, scheduler, fileDeleteDelay);
    }

    @Override
    public StorageFiles files() {
        return files;
    }

    @Override
    public OpenFileBudget openFiles() {
        return budget;
    }

    @Override
    public TopicPartition topicPartition() {
        return topicPartition;
    }

    @Override
    public LogConfig config() {
        return config;
    }

    void updateConfig(LogConfig newConfig) {
        this.config = Objects.requireNonNull(newConfig, "config");
    }

    @Override
    public Path directory() {
        return dir;
    }

    @Override
    public AppendResult append(ByteBuffer batches, FlushMode flush, AppendPrecondition precondition)
            throws IOException {
        Written written = write(batches, flush, precondition, true, LEADER_EPOCH, clock.millis(), false);
        if (written.waiter() != null) {
            written.waiter().await(topicPartition);
        }
        return written.result();
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(ByteBuffer batches, FlushMode flush,
                                                       AppendPrecondition precondition) throws IOException {
        Written written = write(batches, flush, precondition, false, LEADER_EPOCH, clock.millis(), false);
        if (written.waiter() == null) {
            return CompletableFuture.completedFuture(written.result());
        }
        return written.waiter().acknowledged(topicPartition).thenApply(ignored -> written.result());
    }

    @Override
    public AppendResult appendReplicated(ByteBuffer batches, int leaderEpoch, long appendTimeMs,
                                         AppendPrecondition precondition) throws IOException {
        return write(batches, FlushMode.NONE, precondition, false, leaderEpoch, appendTimeMs, true).result();
    }

    @Override
    public AppendResult appendCopied(ByteBuffer batches) throws IOException {
        long firstBase = CopiedBatches.checkContiguous(topicPartition, batches);
        AppendPrecondition continuesThisLog = nextOffset -> {
            if (firstBase != nextOffset) {
                throw new CopiedBatchesMismatchException(topicPartition, firstBase, nextOffset);
            }
        };
        return write(batches, FlushMode.NONE, continuesThisLog, false, KEEP_AS_COPIED, clock.millis(), true)
                .result();
    }

    @Override
    public void flush() throws IOException {
        long target = written.offset();
        flushPending();
        IOException failed = failure;
        if (failed != null || durableOffset < target) {
            throw new IOException("could not make " + topicPartition + " durable up to offset " + target
                    + " (durable up to " + durableOffset + ")", failed);
        }
    }

    /** An append written to the segment; {@code waiter} is null when it is acknowledged already. */
    private record Written(AppendResult result, SyncWaiters.Waiter waiter) {
    }

    private Written write(ByteBuffer batches, FlushMode flush, AppendPrecondition precondition, boolean parksThread,
                          int leaderEpoch, long nowMs, boolean replicated) throws IOException {
        Objects.requireNonNull(batches, "batches");
        Objects.requireNonNull(flush, "flush");
        Objects.requireNonNull(precondition, "precondition");
        if (closed) {
            throw new LogClosedException(topicPartition);
        }
        if (batches.isReadOnly()) {
            ByteBuffer copy = ByteBuffer.allocate(batches.remaining());
            copy.put(batches.duplicate()).flip();
            batches = copy;
        }
        LogConfig cfg = config;
        List<ByteBuffer> plainForms = new ArrayList<>(1);
        // A replicated append was checked against the size limit when proposed; checking again here could refuse it
        // on one replica and not on another, should the limit change between (topic configs are not ordered with
        // partition entries). Only what the bytes themselves decide may refuse it.
        int maxBatchBytes = replicated ? Integer.MAX_VALUE : cfg.maxBatchBytes();
        List<RecordBatchHeader> headers = RecordBatchValidator.validateAll(batches, maxBatchBytes,
                BatchInflater.DEFAULT_MAX_UNCOMPRESSED_BYTES, plainForms);
        int totalBytes = batches.remaining();
        long recordCount = 0;
        for (RecordBatchHeader header : headers) {
            recordCount += header.lastOffsetDelta() + 1L;
        }
        long[] bases = new long[headers.size()];
        long firstOffset;
        long endOffset;
        SyncWaiters.Waiter waiter = null;
        boolean madeVisible = false;
        boolean requestFlush;
        appendLock.lock();
        try {
            ensureWritable();
            untouchedSinceCleanOpen = false;
            firstOffset = nextOffset;
            precondition.check(firstOffset);
            requestFlush = maybeRoll(cfg, totalBytes, recordCount, nowMs);
            LogSegment segment = active;
            int position = batches.position();
            long offset = firstOffset;
            for (int i = 0; i < headers.size(); i++) {
                if (leaderEpoch != KEEP_AS_COPIED) {
                    batches.putLong(position + RecordBatchDescriptor.BASE_OFFSET_OFFSET, offset);
                    batches.putInt(position + RecordBatchDescriptor.PARTITION_LEADER_EPOCH_OFFSET, leaderEpoch);
                }
                bases[i] = offset;
                offset += headers.get(i).lastOffsetDelta() + 1L;
                position += headers.get(i).sizeInBytes();
            }
            // SYNC appends write into zeros laid down ahead of them: their fdatasync then changes no metadata.
            long zeroFillLimit = flush == FlushMode.SYNC ? Math.min(cfg.segmentBytes(), Integer.MAX_VALUE) : 0;
            int filePosition = segment.append(batches, headers, bases, cfg.indexIntervalBytes(), nowMs,
                    zeroFillLimit);
            endOffset = offset;
            nextOffset = endOffset;
            LogEnd end = new LogEnd(endOffset, segment, (long) filePosition + totalBytes);
            written = end;
            notifyObservers(segment.baseOffset(), filePosition, batches, plainForms);
            if (flush == FlushMode.SYNC) {
                pendingSyncEnd = endOffset;
                waiter = waiters.add(endOffset, parksThread);
            } else if (durableOffset >= pendingSyncEnd) {
                madeVisible = advanceVisible(end);
            } else {
                // A SYNC append ahead of this one is not durable yet; this data becomes visible with its fsync.
                requestFlush = true;
            }
        } finally {
            appendLock.unlock();
        }
        if (waiter != null || requestFlush) {
            flusher.request(this);
        }
        if (madeVisible) {
            fireListeners(endOffset);
        }
        return new Written(new AppendResult(firstOffset, endOffset - 1, bases, nowMs), waiter);
    }

    private void ensureWritable() throws IOException {
        if (closed) {
            throw new LogClosedException(topicPartition);
        }
        IOException failed = failure;
        if (failed != null) {
            throw new IOException("log " + topicPartition + " refuses appends after a failed fsync; reopen it to"
                    + " recover", failed);
        }
    }

    /** Rolls when the active segment is non-empty and full, old, or out of relative offsets. Append lock held. */
    private boolean maybeRoll(LogConfig cfg, int appendBytes, long appendRecords, long nowMs) throws IOException {
        LogSegment segment = active;
        if (segment.sizeBytes() == 0) {
            return false;
        }
        long maxBytes = Math.min(cfg.segmentBytes(), Integer.MAX_VALUE);
        boolean full = (long) segment.sizeBytes() + appendBytes > maxBytes;
        boolean old = nowMs - segment.createdMs() >= cfg.segmentMs();
        boolean offsetsExhausted = nextOffset + appendRecords - segment.baseOffset() > Integer.MAX_VALUE;
        if (!full && !old && !offsetsExhausted) {
            return false;
        }
        // The new file exists before the old indexes are sealed, so a failure leaves the old segment active.
        LogSegment next = LogSegment.create(files, budget, dir, nextOffset, nowMs);
        segment.seal(false);
        segments.put(next.baseOffset(), next);
        unflushedSealed.add(segment);
        active = next;
        return true;
    }

    private void notifyObservers(long segmentBaseOffset, int filePosition, ByteBuffer batches,
                                 List<ByteBuffer> plainForms) {
        for (AppendObserver observer : observers) {
            try {
                observer.onAppend(topicPartition, segmentBaseOffset, filePosition, batches.asReadOnlyBuffer(),
                        plainForms);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "append observer " + observer + " of " + topicPartition
                        + " failed; the append stands", e);
            }
        }
    }

    private boolean advanceVisible(LogEnd end) {
        while (true) {
            LogEnd current = visible.get();
            if (current.offset() >= end.offset()) {
                return false;
            }
            if (visible.compareAndSet(current, end)) {
                return true;
            }
        }
    }

    private void fireListeners(long endOffset) {
        for (LongConsumer listener : listeners) {
            try {
                listener.accept(endOffset);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "append listener of " + topicPartition + " failed", e);
            }
        }
    }

    boolean markFlushQueued() {
        return flushQueued.compareAndSet(false, true);
    }

    void clearFlushQueued() {
        flushQueued.set(false);
    }

    /**
     * Called by the flusher: fsyncs sealed segments not yet flushed and the segment holding the written end, then
     * makes everything written before the fsync started visible and completes the waiters it covers.
     */
    void flushPending() {
        LogEnd snapshot;
        synchronized (flushMonitor) {
            if (flushClosed) {
                return;
            }
            snapshot = written;
            try {
                if (snapshot.offset() > durableOffset || !unflushedSealed.isEmpty()) {
                    flushUpTo(snapshot);
                }
            } catch (IOException e) {
                fail(e);
                return;
            }
            // Listeners before acknowledgements: when a SYNC append returns, waiters have been woken.
            if (advanceVisible(snapshot)) {
                fireListeners(snapshot.offset());
            }
            waiters.completeUpTo(snapshot.offset());
        }
    }

    /** flushMonitor held. */
    private void flushUpTo(LogEnd snapshot) throws IOException {
        LogSegment sealed;
        while ((sealed = unflushedSealed.peek()) != null && sealed.baseOffset() < snapshot.segment().baseOffset()) {
            if (!sealed.isDeleted()) {
                try {
                    sealed.flushLog();
                    sealed.flushIndexes();
                } catch (IOException e) {
                    // Retention may delete the segment meanwhile (closed channel, renamed index files): then
                    // there is nothing left to make durable.
                    if (!sealed.isDeleted()) {
                        throw e;
                    }
                }
            }
            unflushedSealed.poll();
        }
        if (directorySyncedForBase != snapshot.segment().baseOffset()) {
            // The segment file (and the sealed indexes before it) were created since: make their names durable.
            syncDirectory();
            directorySyncedForBase = snapshot.segment().baseOffset();
        }
        long startNanos = System.nanoTime();
        try {
            snapshot.segment().flushLog();
        } catch (IOException e) {
            // The segment written to when the snapshot was taken may have been rolled and then deleted by
            // retention since: its records are gone, so there is nothing left to make durable.
            if (!snapshot.segment().isDeleted()) {
                throw e;
            }
        }
        long durationNanos = System.nanoTime() - startNanos;
        flushes.increment();
        long covered = Math.max(0, snapshot.offset() - durableOffset);
        durableOffset = Math.max(durableOffset, snapshot.offset());
        flusher.flushed(topicPartition, durationNanos, covered);
    }

    private void syncDirectory() throws IOException {
        files.syncDirectory(dir);
    }

    /** An fsync failed: the written data may or may not be durable, so refuse further appends. flushMonitor held. */
    private void fail(IOException e) {
        LOG.log(System.Logger.Level.ERROR, "fsync of " + topicPartition + " in " + dir + " failed", e);
        failure = e;
        waiters.failAll(e);
    }

    @Override
    public LogSlice read(long offset, int maxBytes) throws IOException {
        while (true) {
            LogEnd end = visible.get();
            long start = logStartOffset;
            if (offset < start || offset > end.offset()) {
                if (closed) {
                    throw new LogClosedException(topicPartition);
                }
                throw new OffsetOutOfRangeException(topicPartition, offset, start, end.offset());
            }
            if (offset == end.offset()) {
                return new LogSlice(end.segment().logFile(), end.position(), 0, offset, offset, files);
            }
            Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
            if (entry == null) {
                if (closed) {
                    throw new LogClosedException(topicPartition);
                }
                continue;
            }
            LogSegment segment = entry.getValue();
            long limit = segment == end.segment() ? end.position() : segment.sizeBytes();
            try {
                LogSlice slice = segment.read(offset, maxBytes, limit);
                if (slice == null) {
                    throw new IOException("no batch of " + segment.logFile() + " below position " + limit
                            + " holds offset " + offset);
                }
                return slice;
            } catch (ClosedChannelException e) {
                if (closed) {
                    throw new LogClosedException(topicPartition);
                }
                if (!segment.isDeleted()) {
                    throw e;
                }
                // Retention removed the segment while we read it: look again, the offset is now out of range.
            }
        }
    }

    @Override
    public long logStartOffset() {
        return logStartOffset;
    }

    @Override
    public long logEndOffset() {
        return visible.get().offset();
    }

    /** The offset below which all data is fsynced (the recovery point to checkpoint). */
    long recoveryPoint() {
        return durableOffset;
    }

    /** How many fsyncs of the active data this log has done (group commit shares them). */
    long flushCount() {
        return flushes.sum();
    }

    @Override
    public long sizeBytes() {
        long total = 0;
        for (LogSegment segment : segments.values()) {
            total += segment.sizeBytes();
        }
        return total;
    }

    @Override
    public OptionalLong offsetForTimestamp(long timestampMs) throws IOException {
        LogEnd end = visible.get();
        for (LogSegment segment : segments.values()) {
            boolean last = segment == end.segment();
            if (!last && segment.baseOffset() >= end.offset()) {
                break;
            }
            long limit = last ? end.position() : segment.sizeBytes();
            try {
                OptionalLong found = segment.offsetForTimestamp(timestampMs, limit);
                if (found.isPresent()) {
                    return found;
                }
            } catch (ClosedChannelException e) {
                if (closed) {
                    throw new LogClosedException(topicPartition);
                }
                if (!segment.isDeleted()) {
                    throw e;
                }
            }
            if (last) {
                break;
            }
        }
        return OptionalLong.empty();
    }

    @Override
    public void addAppendListener(LongConsumer listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeAppendListener(LongConsumer listener) {
        listeners.remove(listener);
    }

    @Override
    public void addAppendObserver(AppendObserver observer) {
        Objects.requireNonNull(observer, "observer");
        // Under the lock, so that the observer sees exactly the appends that start after this call.
        appendLock.lock();
        try {
            observers.add(observer);
        } finally {
            appendLock.unlock();
        }
    }

    @Override
    public void removeAppendObserver(AppendObserver observer) {
        observers.remove(observer);
    }

    @Override
    public long activeSegmentBaseOffset() {
        return active.baseOffset();
    }

    @Override
    public List<Long> segmentBaseOffsets() {
        return List.copyOf(segments.keySet());
    }

    /**
     * Deletes the oldest closed segments that are past retention by age or that the size limit no longer has
     * room for. Only segments entirely below the visible end go, never the active one. Files are renamed
     * {@code .deleted} now and removed after the file delete delay.
     *
     * @return the number of segments deleted
     */
    int applyRetention(long nowMs) throws IOException {
        if (config.retentionMs() < 0 && config.retentionBytes() < 0) {
            return 0;
        }
        List<LogSegment> doomed;
        appendLock.lock();
        try {
            if (closed) {
                return 0;
            }
            doomed = RetentionPolicy.deletable(List.copyOf(segments.values()), visible.get().offset(), config,
                    nowMs);
            if (doomed.isEmpty()) {
                return 0;
            }
            untouchedSinceCleanOpen = false;
            for (LogSegment segment : doomed) {
                segments.remove(segment.baseOffset());
            }
            logStartOffset = Math.max(logStartOffset, segments.firstKey());
            for (LogSegment segment : doomed) {
                segment.markDeleted();
            }
            for (AppendObserver observer : observers) {
                try {
                    observer.onSegmentsDeleted(logStartOffset);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "append observer " + observer + " of " + topicPartition
                            + " failed on segment deletion", e);
                }
            }
        } finally {
            appendLock.unlock();
        }
        for (LogSegment segment : doomed) {
            scheduler.schedule(() -> deleteQuietly(segment), fileDeleteDelay.toMillis(), TimeUnit.MILLISECONDS);
        }
        return doomed.size();
    }

    private void deleteQuietly(LogSegment segment) {
        try {
            segment.deleteFiles();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not remove deleted segment " + segment.logFile(), e);
        }
    }

    /**
     * Flushes everything (logs and indexes), writes the active segment's indexes and closes the files. SYNC
     * appenders still waiting are completed by this last flush.
     */
    @Override
    public void close() throws IOException {
        appendLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            appendLock.unlock();
        }
        IOException problem = null;
        synchronized (flushMonitor) {
            LogEnd end = written;
            try {
                if (!untouchedSinceCleanOpen) {
                    active.trimZeros();
                    flushUpTo(end);
                    active.writeIndexes(true);
                }
                advanceVisible(end);
                waiters.completeUpTo(end.offset());
            } catch (IOException e) {
                fail(e);
                problem = e;
            }
            flushClosed = true;
            for (LogSegment segment : segments.values()) {
                try {
                    segment.close();
                } catch (IOException e) {
                    problem = problem == null ? e : problem;
                }
            }
        }
        if (problem != null) {
            throw problem;
        }
    }

    /** Whether the last {@link #close} flushed everything (the partition may be marked clean). */
    boolean closedCleanly() {
        return closed && failure == null;
    }

    @Override
    public String toString() {
        return "LocalPartitionLog[" + topicPartition + ", " + dir + "]";
    }
}
