package dev.backbone.server.log;

import dev.backbone.client.batch.RecordBatchHeader;
import dev.backbone.server.log.io.LeasedChannel;
import dev.backbone.server.log.io.OpenFileBudget;
import dev.backbone.server.log.io.StorageFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.OptionalLong;

/**
 * One segment of a partition log: the {@code .log} file holding whole batches back to back from byte 0,
 * the first of which has offset {@link #baseOffset()}, and its two sparse indexes.
 *
 * <pre>
 *  00000000000000001000.log        00000000000000001000.index      00000000000000001000.timeindex
 *  +--------------------+ 0        +-----+----------+              +-----------+-----+
 *  | batch 1000..1009   |          | rel | position |  ~ every     | max ts so | rel |  ~ every
 *  +--------------------+          +-----+----------+  indexInterval far       +-----+  indexInterval
 *  | batch 1010..1010   |          | 12  |   4210   |  bytes       | 1700000.. | 10  |  bytes
 *  +--------------------+          | 40  |   8388   |              | 1700001.. | 38  |
 *  | ...                | size     +-----+----------+              +-----------+-----+
 * </pre>
 *
 * <p>Positions are {@code int}: a segment never grows beyond 2 GiB (the log rolls before).
 *
 * <p>Thread safety: single writer (the partition's append lock; loading and recovery happen before the log
 * is shared), concurrent readers. Readers see {@link #sizeBytes()} and {@link #maxTimestamp()} through volatile
 * fields and the indexes through their immutable views.
 */
final class LogSegment {

    /** Kafka's marker for "no timestamp". */
    static final long NO_TIMESTAMP = -1L;

    private static final System.Logger LOG = System.getLogger(LogSegment.class.getName());

    private final StorageFiles files;
    private final Path dir;
    private final long baseOffset;
    private final Path logFile;
    private final LeasedChannel channel;
    private final ZeroFilledTail zeroFilledTail;
    private volatile SparseIndex offsetIndex;
    private volatile SparseIndex timeIndex;
    private volatile int sizeBytes;
    private volatile long maxTimestamp = NO_TIMESTAMP;
    private volatile boolean deleted;

    // Writer state, guarded by the partition's append lock.
    private long nextOffset;
    private long maxTimestampOffset;
    private int bytesSinceOffsetEntry;
    private int bytesSinceTimeEntry;
    private long createdMs;

    private LogSegment(StorageFiles files, OpenFileBudget budget, Path dir, long baseOffset, FileChannel open,
                       int sizeBytes, long createdMs) {
        this.files = files;
        this.dir = dir;
        this.baseOffset = baseOffset;
        this.logFile = SegmentFiles.logFile(dir, baseOffset);
        this.channel = new LeasedChannel(files, budget, logFile, open);
        this.sizeBytes = sizeBytes;
        this.zeroFilledTail = new ZeroFilledTail(sizeBytes);
        this.nextOffset = baseOffset;
        this.maxTimestampOffset = baseOffset;
        this.createdMs = createdMs;
        this.offsetIndex = SparseIndex.empty(files, SparseIndex.Kind.OFFSET, SegmentFiles.indexFile(dir, baseOffset));
        this.timeIndex = SparseIndex.empty(files, SparseIndex.Kind.TIME, SegmentFiles.timeIndexFile(dir, baseOffset));
    }

    /** Creates the files of a new, empty segment. An empty leftover file of the same name is reused. */
    static LogSegment create(StorageFiles files, OpenFileBudget budget, Path dir, long baseOffset, long nowMs)
            throws IOException {
        Path file = SegmentFiles.logFile(dir, baseOffset);
        FileChannel channel;
        try {
            channel = files.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            channel = files.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            if (channel.size() != 0) {
                channel.close();
                throw new IOException("cannot create segment " + file + ": a non-empty file of that name exists", e);
            }
        }
        try {
            files.deleteIfExists(SegmentFiles.indexFile(dir, baseOffset));
            files.deleteIfExists(SegmentFiles.timeIndexFile(dir, baseOffset));
        } catch (IOException e) {
            closeAfterFailure(channel, e);
            throw e;
        }
        return new LogSegment(files, budget, dir, baseOffset, channel, 0, nowMs);
    }

    private static void closeAfterFailure(FileChannel channel, IOException failure) {
        try {
            channel.close();
        } catch (IOException closeFailure) {
            failure.addSuppressed(closeFailure);
        }
    }

    /** Opens an existing segment; its indexes and end are set by {@link #loadIndexes} or {@link #recover}. */
    static LogSegment open(StorageFiles files, OpenFileBudget budget, Path dir, long baseOffset, long nowMs)
            throws IOException {
        Path file = SegmentFiles.logFile(dir, baseOffset);
        FileChannel channel = files.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = channel.size();
        if (size > Integer.MAX_VALUE) {
            channel.close();
            throw new IOException("segment " + file + " is " + size + " bytes, larger than 2 GiB");
        }
        // After a restart a segment's age for roll by age counts from its last write (no portable creation time).
        long lastModifiedMs;
        try {
            lastModifiedMs = files.lastModifiedMillis(file);
        } catch (IOException e) {
            closeAfterFailure(channel, e);
            throw e;
        }
        return new LogSegment(files, budget, dir, baseOffset, channel, (int) size, Math.min(nowMs, lastModifiedMs));
    }

    long baseOffset() {
        return baseOffset;
    }

    Path logFile() {
        return logFile;
    }

    /** Bytes written to the {@code .log} file (some may not be visible yet). */
    int sizeBytes() {
        return sizeBytes;
    }

    /** The largest batch max timestamp written, or {@link #NO_TIMESTAMP}. */
    long maxTimestamp() {
        return maxTimestamp;
    }

    /** One past the last offset written. Writer only. */
    long nextOffset() {
        return nextOffset;
    }

    /** The broker time of the first append (of the last write when loaded), for roll by age. Writer only. */
    long createdMs() {
        return createdMs;
    }

    boolean isDeleted() {
        return deleted;
    }

    SparseIndex offsetIndex() {
        return offsetIndex;
    }

    SparseIndex timeIndex() {
        return timeIndex;
    }

    /**
     * Writes the batches at the end of the file in one positional write loop and indexes them. On an
     * {@link IOException} the file is cut back to its previous size and the exception rethrown.
     *
     * @param batches        the bytes, position to limit, with offsets already assigned
     * @param headers        the validated headers, in order
     * @param assignedBases  the base offset assigned to each batch
     * @param zeroFillLimit  when positive, keep a {@link ZeroFilledTail} ahead of the data, up to this size
     * @return the position where the bytes start
     */
    int append(ByteBuffer batches, List<RecordBatchHeader> headers, long[] assignedBases,
               int indexIntervalBytes, long nowMs, long zeroFillLimit) throws IOException {
        FileChannel ch = channel.acquireForWrite();
        try {
            return append(ch, batches, headers, assignedBases, indexIntervalBytes, nowMs, zeroFillLimit);
        } finally {
            channel.release();
        }
    }

    private int append(FileChannel ch, ByteBuffer batches, List<RecordBatchHeader> headers, long[] assignedBases,
                       int indexIntervalBytes, long nowMs, long zeroFillLimit) throws IOException {
        int start = sizeBytes;
        ByteBuffer src = batches.duplicate();
        long position = start;
        try {
            while (src.hasRemaining()) {
                position += ch.write(src, position);
            }
        } catch (IOException e) {
            try {
                ch.truncate(start);
                zeroFilledTail.truncatedTo(start);
            } catch (IOException truncateFailure) {
                e.addSuppressed(truncateFailure);
            }
            throw e;
        }
        if (start == 0) {
            createdMs = nowMs;
        }
        int batchPosition = start;
        for (int i = 0; i < headers.size(); i++) {
            RecordBatchHeader header = headers.get(i);
            indexBatch(assignedBases[i], assignedBases[i] + header.lastOffsetDelta(), header.maxTimestamp(),
                    batchPosition, header.sizeInBytes(), indexIntervalBytes);
            batchPosition += header.sizeInBytes();
        }
        sizeBytes = batchPosition;
        if (zeroFillLimit > 0) {
            zeroFilledTail.extendAhead(ch, batchPosition, zeroFillLimit);
        }
        return start;
    }

    private void indexBatch(long batchBase, long batchLast, long batchMaxTimestamp, int position, int size,
                            int indexIntervalBytes) {
        if (bytesSinceOffsetEntry >= indexIntervalBytes) {
            offsetIndex.append(batchBase - baseOffset, position);
            bytesSinceOffsetEntry = 0;
        }
        bytesSinceOffsetEntry += size;
        if (batchMaxTimestamp > maxTimestamp) {
            maxTimestamp = batchMaxTimestamp;
            maxTimestampOffset = batchBase;
        }
        bytesSinceTimeEntry += size;
        if (bytesSinceTimeEntry >= indexIntervalBytes) {
            maybeAppendTimeEntry();
            bytesSinceTimeEntry = 0;
        }
        nextOffset = batchLast + 1;
    }

    /** Time entry (running max, batch holding it): every batch up to that one has a max timestamp <= key. */
    private void maybeAppendTimeEntry() {
        if (maxTimestamp != NO_TIMESTAMP && maxTimestamp > timeIndex.lastKey(Long.MIN_VALUE)) {
            timeIndex.append(maxTimestamp, (int) (maxTimestampOffset - baseOffset));
        }
    }

    /**
     * The batches from the one holding {@code offset}, whole, up to {@code maxBytes} (at least one batch), below
     * {@code limit}; null when no batch below {@code limit} holds {@code offset}.
     */
    LogSlice read(long offset, int maxBytes, long limit) throws IOException {
        FileChannel ch = channel.acquire();
        try {
            return read(ch, offset, maxBytes, limit);
        } finally {
            channel.release();
        }
    }

    private LogSlice read(FileChannel ch, long offset, int maxBytes, long limit) throws IOException {
        BatchWalker walker = locate(ch, offset, limit);
        if (walker == null) {
            return null;
        }
        long start = walker.position();
        long firstOffset = walker.baseOffset();
        long end = walker.nextPosition();
        long next = walker.lastOffset() + 1;
        long target = start + Math.max(0, maxBytes);
        if (target > end && end < limit) {
            // Jump over whole batches with the index instead of reading every header in between.
            SparseIndex.View view = offsetIndex.view();
            int entry = view.floorByValue(Math.min(target, limit));
            if (entry >= 0 && view.value(entry) > end) {
                end = view.value(entry);
                next = baseOffset + view.key(entry);
            }
            while (end < limit) {
                walker.readAt(end, limit);
                if (walker.nextPosition() > target) {
                    break;
                }
                end = walker.nextPosition();
                next = walker.lastOffset() + 1;
            }
        }
        return new LogSlice(logFile, start, (int) (end - start), firstOffset, next, files);
    }

    /** A walker left on the batch holding {@code offset}, or null when none below {@code limit} does. */
    private BatchWalker locate(FileChannel ch, long offset, long limit) throws IOException {
        SparseIndex.View view = offsetIndex.view();
        int entry = view.floorByKey(offset - baseOffset);
        long position = entry < 0 ? 0 : view.value(entry);
        if (position >= limit) {
            position = 0;
        }
        BatchWalker walker = new BatchWalker(ch, logFile);
        while (position < limit) {
            walker.readAt(position, limit);
            if (walker.lastOffset() >= offset) {
                return walker;
            }
            position = walker.nextPosition();
        }
        return null;
    }

    /** The base offset of the first batch below {@code limit} whose max timestamp is at least {@code timestampMs}. */
    OptionalLong offsetForTimestamp(long timestampMs, long limit) throws IOException {
        FileChannel ch = channel.acquire();
        try {
            return offsetForTimestamp(ch, timestampMs, limit);
        } finally {
            channel.release();
        }
    }

    private OptionalLong offsetForTimestamp(FileChannel ch, long timestampMs, long limit) throws IOException {
        if (maxTimestamp < timestampMs) {
            return OptionalLong.empty();
        }
        SparseIndex.View times = timeIndex.view();
        int entry = timestampMs == Long.MIN_VALUE ? -1 : times.floorByKey(timestampMs - 1);
        long startOffset = entry < 0 ? baseOffset : baseOffset + times.value(entry);
        SparseIndex.View offsets = offsetIndex.view();
        int offsetEntry = offsets.floorByKey(startOffset - baseOffset);
        long position = offsetEntry < 0 ? 0 : offsets.value(offsetEntry);
        BatchWalker walker = new BatchWalker(ch, logFile);
        while (position < limit) {
            walker.readAt(position, limit);
            if (walker.maxTimestamp() >= timestampMs) {
                return OptionalLong.of(walker.baseOffset());
            }
            position = walker.nextPosition();
        }
        return OptionalLong.empty();
    }

    /**
     * Takes the indexes from their files, checking them against the log file: whole entries, increasing,
     * positions inside the file, the first, middle and last entry naming a batch with that offset, and the
     * batches after the last entry contiguous up to the end of the file. Nothing is changed when it returns
     * false; the caller then rebuilds with {@link #recover}.
     *
     * @param active true to keep the entries in memory for appends, false to map the files
     */
    boolean loadIndexes(boolean active) throws IOException {
        FileChannel ch = channel.acquire();
        try {
            return loadIndexes(ch, active);
        } finally {
            channel.release();
        }
    }

    private boolean loadIndexes(FileChannel ch, boolean active) throws IOException {
        SparseIndex offsets = SparseIndex.load(files, SparseIndex.Kind.OFFSET, SegmentFiles.indexFile(dir, baseOffset),
                active);
        SparseIndex times = SparseIndex.load(files, SparseIndex.Kind.TIME, SegmentFiles.timeIndexFile(dir, baseOffset),
                active);
        long fileSize = ch.size();
        if (offsets == null || times == null || fileSize != sizeBytes
                || !increasing(offsets.view(), true, fileSize) || !increasing(times.view(), false, Long.MAX_VALUE)) {
            return false;
        }
        SparseIndex.View view = offsets.view();
        BatchWalker walker = new BatchWalker(ch, logFile);
        try {
            for (int i : new int[] {0, view.size() / 2, view.size() - 1}) {
                if (i >= 0 && i < view.size()
                        && walker.readAt(view.value(i), fileSize).baseOffset() != baseOffset + view.key(i)) {
                    return false;
                }
            }
            if (fileSize > 0 && walker.readAt(0, fileSize).baseOffset() != baseOffset) {
                return false;
            }
            int last = view.size() - 1;
            long position = last < 0 ? 0 : view.value(last);
            long expected = last < 0 ? baseOffset : baseOffset + view.key(last);
            long tailMax = NO_TIMESTAMP;
            long tailMaxOffset = baseOffset;
            while (position < fileSize) {
                walker.readAt(position, fileSize);
                if (walker.baseOffset() != expected) {
                    return false;
                }
                if (walker.maxTimestamp() > tailMax) {
                    tailMax = walker.maxTimestamp();
                    tailMaxOffset = walker.baseOffset();
                }
                expected = walker.lastOffset() + 1;
                position = walker.nextPosition();
            }
            SparseIndex.View timeView = times.view();
            if (timeView.size() > 0 && baseOffset + timeView.value(timeView.size() - 1) >= expected) {
                return false;
            }
            long indexedMax = times.lastKey(NO_TIMESTAMP);
            offsetIndex = offsets;
            timeIndex = times;
            nextOffset = expected;
            if (tailMax > indexedMax) {
                maxTimestamp = tailMax;
                maxTimestampOffset = tailMaxOffset;
            } else {
                maxTimestamp = indexedMax;
                maxTimestampOffset = timeView.size() == 0 ? baseOffset : baseOffset + timeView.value(timeView.size() - 1);
            }
            int sinceLastEntry = (int) (fileSize - (last < 0 ? 0 : view.value(last)));
            bytesSinceOffsetEntry = sinceLastEntry;
            bytesSinceTimeEntry = sinceLastEntry;
            return true;
        } catch (IOException e) {
            // A header that cannot be read or does not fit is damage; recovery reads the file again and decides.
            return false;
        }
    }

    private static boolean increasing(SparseIndex.View view, boolean strictValues, long valueLimit) {
        long previousKey = Long.MIN_VALUE;
        long previousValue = -1;
        for (int i = 0; i < view.size(); i++) {
            long key = view.key(i);
            long value = view.value(i);
            if (key <= previousKey || value < 0 || value >= valueLimit
                    || (strictValues ? value <= previousValue : value < previousValue)) {
                return false;
            }
            previousKey = key;
            previousValue = value;
        }
        return true;
    }

    /** What {@link #recover} found. */
    record Recovery(long truncatedAtPosition, long bytesTruncated, String problem) {
        boolean truncated() {
            return truncatedAtPosition >= 0;
        }
    }

    /**
     * Reads the whole file, validating every batch (framing, CRC-32C, contiguous offsets from the base offset),
     * rebuilds both indexes in memory, and cuts the file at the first batch that is torn or invalid.
     */
    Recovery recover(int indexIntervalBytes) throws IOException {
        FileChannel ch = channel.acquireForWrite();
        try {
            return recover(ch, indexIntervalBytes);
        } finally {
            channel.release();
        }
    }

    private Recovery recover(FileChannel ch, int indexIntervalBytes) throws IOException {
        offsetIndex = SparseIndex.empty(files, SparseIndex.Kind.OFFSET, SegmentFiles.indexFile(dir, baseOffset));
        timeIndex = SparseIndex.empty(files, SparseIndex.Kind.TIME, SegmentFiles.timeIndexFile(dir, baseOffset));
        maxTimestamp = NO_TIMESTAMP;
        maxTimestampOffset = baseOffset;
        bytesSinceOffsetEntry = 0;
        bytesSinceTimeEntry = 0;
        long fileSize = ch.size();
        SegmentScanner.Result result = new SegmentScanner(ch, logFile).scan(baseOffset,
                (header, position, size) -> indexBatch(header.baseOffset(), header.lastOffset(),
                        header.maxTimestamp(), position, size, indexIntervalBytes));
        nextOffset = result.nextOffset();
        sizeBytes = (int) result.validBytes();
        if (result.problem() == null) {
            return new Recovery(-1, 0, null);
        }
        if (ZeroFilledTail.isZeros(ch, result.validBytes())) {
            // Zeros written ahead of SYNC appends that a crash left behind: no data, nothing damaged.
            zeroFilledTail.trim(ch, sizeBytes);
            ch.force(true);
            LOG.log(System.Logger.Level.DEBUG, "Recovery cut {0} bytes of zeros off {1} at position {2}",
                    fileSize - result.validBytes(), logFile, result.validBytes());
            return new Recovery(-1, 0, null);
        }
        ch.truncate(result.validBytes());
        ch.force(true);
        LOG.log(System.Logger.Level.WARNING, "Recovery truncated {0} at position {1} ({2} bytes dropped): {3}",
                logFile, result.validBytes(), fileSize - result.validBytes(), result.problem());
        return new Recovery(result.validBytes(), fileSize - result.validBytes(), result.problem());
    }

    /**
     * Writes both index files (with a final time entry for the newest timestamp) and serves them from maps
     * from now on; the segment takes no more appends.
     */
    void seal(boolean force) throws IOException {
        trimZeros();
        maybeAppendTimeEntryIfUnsealed();
        offsetIndex.seal(force);
        timeIndex.seal(force);
    }

    /** Writes both index files of the still active segment, e.g. on a clean shutdown. */
    void writeIndexes(boolean force) throws IOException {
        maybeAppendTimeEntryIfUnsealed();
        offsetIndex.writeFile(force);
        timeIndex.writeFile(force);
    }

    private void maybeAppendTimeEntryIfUnsealed() {
        if (!timeIndex.isSealed()) {
            maybeAppendTimeEntry();
        }
    }

    boolean isSealed() {
        return offsetIndex.isSealed();
    }

    /** Cuts the zeros written ahead of the data off the file (a roll or a clean shutdown). */
    void trimZeros() throws IOException {
        FileChannel ch = channel.acquireForWrite();
        try {
            zeroFilledTail.trim(ch, sizeBytes);
        } finally {
            channel.release();
        }
    }

    /** fdatasync of the {@code .log} file. */
    void flushLog() throws IOException {
        FileChannel ch = channel.acquire();
        try {
            ch.force(false);
        } finally {
            channel.release();
        }
    }

    void flushIndexes() throws IOException {
        offsetIndex.force();
        timeIndex.force();
    }

    /**
     * Renames the files with a {@code .deleted} suffix; readers that already have the file open keep reading.
     * The channel stays usable (reopened under the new name if the budget closed it) until {@link #deleteFiles}, so
     * in-flight header walks finish too.
     */
    void markDeleted() throws IOException {
        deleted = true;
        for (Path file : files()) {
            if (files.exists(file)) {
                Path renamed = file.resolveSibling(file.getFileName() + SegmentFiles.DELETED_SUFFIX);
                files.moveAtomically(file, renamed);
                if (file.equals(logFile)) {
                    channel.renamedTo(renamed);
                }
            }
        }
    }

    /** Closes the channel and removes the renamed files. */
    void deleteFiles() throws IOException {
        channel.close();
        for (Path file : files()) {
            files.deleteIfExists(file.resolveSibling(file.getFileName() + SegmentFiles.DELETED_SUFFIX));
            files.deleteIfExists(file);
        }
    }

    private Path[] files() {
        return new Path[] {logFile, SegmentFiles.indexFile(dir, baseOffset), SegmentFiles.timeIndexFile(dir, baseOffset)};
    }

    void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "LogSegment[" + logFile + ", size " + sizeBytes + "]";
    }
}
