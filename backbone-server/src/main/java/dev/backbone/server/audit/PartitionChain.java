package dev.backbone.server.audit;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

import dev.backbone.client.batch.RecordBatchDescriptor;
import dev.backbone.server.log.AppendObserver;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import dev.backbone.server.log.io.DurableFiles;
import dev.backbone.server.log.io.StorageFiles;

/**
 * Keeps one partition's audit chain (see {@link ChainDescriptor}) in step with its segments.
 *
 * <p>The engine hands over every append ({@link #onAppend}) under the partition's append lock, after the bytes
 * are written and before they are acknowledged, so the chain has an entry for every acknowledged batch unless
 * writing the entry failed; then, and after a crash, the chain catches up from the segment files. Chain files
 * are written through the page cache and fsynced when their segment rolls and on close: after a power loss the
 * missing entries are recomputed from the segment bytes as they are on disk at that moment, so those links are
 * only as trustworthy as those bytes.
 *
 * <p>When retention deletes segments ({@link #onSegmentsDeleted}), the link of the last deleted batch is kept
 * in {@code chain.anchor} (written atomically before the chain files go), so the chain stays verifiable from the
 * new log start.
 *
 * <p>Thread safety: thread safe. One lock guards the state; appends, retention and head reads take it briefly,
 * and {@link #verify} only takes it to pin a snapshot, so a long verification never holds up appends.
 */
public final class PartitionChain implements AppendObserver, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PartitionChain.class.getName());
    private static final int MAX_VERIFY_ATTEMPTS = 3;
    private static final long RETRY_PAUSE_MS = 50;

    private final String name;
    private final StorageFiles files;
    private final DurableFiles durable;
    private final Path directory;
    private final Executor syncExecutor;
    private final ReentrantLock lock = new ReentrantLock();
    private final ChainHasher hasher = new ChainHasher();
    private final ByteBuffer window = ByteBuffer.allocate(64 * 1024);
    private final TreeMap<Long, SegmentChainState> segments = new TreeMap<>();
    private SegmentChainWriter active;
    private ChainLink anchorLink = ChainLink.GENESIS;
    private long anchorLastOffset = -1;
    private long batches;
    /** Bumped whenever entries or segments go away, so a verification racing with it knows to retry. */
    private long generation;
    private boolean closed;

    private PartitionChain(StorageFiles files, String name, Path directory, Executor syncExecutor) {
        this.files = files;
        this.durable = new DurableFiles(files);
        this.name = name;
        this.directory = directory;
        this.syncExecutor = syncExecutor;
    }

    /**
     * Opens the chain of {@code log}, registers it as the log's append observer and catches up with what was
     * appended meanwhile. Undo with {@link #detach}.
     *
     * @param syncExecutor runs the fsync and close of a chain file once its segment rolled, off the append lock
     */
    public static PartitionChain attach(PartitionLog log, Executor syncExecutor) throws IOException {
        PartitionChain chain = open(log.files(), log.topicPartition().toString(), log.directory(), syncExecutor);
        try {
            log.addAppendObserver(chain);
            chain.catchUp();
            return chain;
        } catch (IOException | RuntimeException e) {
            log.removeAppendObserver(chain);
            chain.close();
            throw e;
        }
    }

    /** Stops observing {@code log} and closes the chain (forcing its active file). */
    public void detach(PartitionLog log) throws IOException {
        log.removeAppendObserver(this);
        close();
    }

    /**
     * Opens the chain of the partition in {@code directory}, recovering it from the segment files there: chain
     * files of segments that no longer exist are folded into the anchor or dropped, trailing entries the
     * segments no longer hold are dropped, and missing entries are computed from the segment bytes.
     *
     * @param files        the file system the partition's files are on (the engine's)
     * @param name         the partition's name, for log messages
     * @param directory    the partition directory holding the {@code .log} segment files
     * @param syncExecutor runs the fsync and close of a chain file once its segment rolled
     */
    public static PartitionChain open(StorageFiles files, String name, Path directory, Executor syncExecutor)
            throws IOException {
        PartitionChain chain = new PartitionChain(files, name, directory, syncExecutor);
        chain.lock.lock();
        try {
            chain.recover();
        } finally {
            chain.lock.unlock();
        }
        return chain;
    }

    /**
     * Chains the batches the engine has just written at {@code filePosition} of segment {@code segmentBaseOffset}.
     * Never throws: the append is already on disk, and a chain entry that could not be written is computed from
     * the segment on the next append, roll or restart.
     */
    @Override
    public void onAppend(TopicPartition topicPartition, long segmentBaseOffset, long filePosition,
                         ByteBuffer storedBatches) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            advanceTo(segmentBaseOffset);
            long rewindsBefore = active.rewinds();
            int start = storedBatches.position();
            int end = storedBatches.limit();
            int at = start;
            while (end - at >= RecordBatchDescriptor.HEADER_SIZE) {
                int size = RecordBatchDescriptor.LOG_OVERHEAD
                        + storedBatches.getInt(at + RecordBatchDescriptor.BATCH_LENGTH_OFFSET);
                if (size < RecordBatchDescriptor.HEADER_SIZE || size > end - at) {
                    throw new IllegalArgumentException("stored batches are not whole batches: size " + size
                            + " at " + (at - start) + " of " + (end - start) + " bytes");
                }
                active.append(filePosition + (at - start), storedBatches.slice(at, size),
                        storedBatches.getLong(at + RecordBatchDescriptor.BASE_OFFSET_OFFSET),
                        storedBatches.getInt(at + RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET));
                at += size;
            }
            active.flush();
            if (active.rewinds() != rewindsBefore) {
                generation++;
            }
        } catch (IOException | RuntimeException e) {
            if (active != null) {
                active.resetPending();
            }
            LOG.log(Level.WARNING, name + ": could not chain the append at position " + filePosition
                    + " of segment " + segmentBaseOffset + "; the chain will catch up from the segment file", e);
        } finally {
            recount();
            lock.unlock();
        }
    }

    /**
     * Called after retention deleted the segments wholly below {@code newLogStartOffset}: keeps the link of the
     * last deleted batch as the anchor, then deletes their chain files.
     */
    @Override
    public void onSegmentsDeleted(long newLogStartOffset) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            List<SegmentChainState> dropped = new ArrayList<>();
            for (Map.Entry<Long, SegmentChainState> e : segments.entrySet()) {
                Long next = segments.higherKey(e.getKey());
                if (next == null || next > newLogStartOffset) {
                    break;
                }
                dropped.add(e.getValue());
            }
            if (!dropped.isEmpty()) {
                SegmentChainState last = dropped.get(dropped.size() - 1);
                dropSegments(dropped, segments.higherKey(last.baseOffset), last.lastLink, last.lastOffset);
            }
        } catch (IOException e) {
            LOG.log(Level.ERROR, name + ": could not move the chain anchor to " + newLogStartOffset
                    + "; the chain files stay until the next retention run or restart", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Catches up with segments and bytes that reached the files before this chain was registered with the
     * engine, so nothing appended between {@link #open} and registration goes unchained.
     */
    public void catchUp() throws IOException {
        lock.lock();
        try {
            TreeSet<Long> bases = listBases(ChainDescriptor.SEGMENT_SUFFIX);
            if (!bases.isEmpty()) {
                advanceTo(bases.last());
                active.catchUpTo(segmentSize(bases.last()));
                // Retention may have deleted segments before this chain was registered, unheard of.
                List<SegmentChainState> gone = new ArrayList<>(segments.headMap(bases.first(), false).values());
                if (!gone.isEmpty()) {
                    SegmentChainState last = gone.get(gone.size() - 1);
                    dropSegments(gone, bases.first(), last.lastLink, last.lastOffset);
                }
            }
        } finally {
            recount();
            lock.unlock();
        }
    }

    /** The newest link: what to record elsewhere to detect later tampering. */
    public ChainHead head() {
        lock.lock();
        try {
            SegmentChainState last = segments.isEmpty() ? null : segments.lastEntry().getValue();
            return last == null ? new ChainHead(anchorLastOffset, anchorLink, 0)
                    : new ChainHead(last.lastOffset, last.lastLink, batches);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Recomputes the chain from the segment bytes up to the current head. Runs without holding up appends; when
     * retention or a rewrite changes the files underneath, it starts again (a few times at most).
     *
     * @param claim a head recorded earlier that must be in the chain, or {@code null}
     */
    public ChainVerification verify(ChainClaim claim) throws IOException {
        ChainVerifier verifier = new ChainVerifier(files);
        for (int attempt = 1; ; attempt++) {
            long before;
            ChainSnapshot snapshot;
            lock.lock();
            try {
                before = generation;
                snapshot = snapshot();
            } finally {
                lock.unlock();
            }
            ChainVerification result;
            try {
                result = verifier.verify(snapshot, claim);
            } catch (IOException e) {
                if (attempt < MAX_VERIFY_ATTEMPTS && changedSince(before)) {
                    continue;
                }
                throw e;
            }
            if (result.valid() || attempt == MAX_VERIFY_ATTEMPTS) {
                return result;
            }
            if (!changedSince(before)) {
                if (result.reason() != ChainBreak.MISSING_SEGMENT) {
                    return result;
                }
                // Retention renames a segment's files before it tells the chain: give it a moment, then look again.
                pause();
            }
        }
    }

    /** Forces and closes the active chain file; later appends are ignored. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (active != null) {
                try (SegmentChainWriter writer = active) {
                    writer.force();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean changedSince(long before) {
        lock.lock();
        try {
            return generation != before;
        } finally {
            lock.unlock();
        }
    }

    private ChainSnapshot snapshot() throws IOException {
        List<ChainSnapshot.Span> spans = new ArrayList<>(segments.size());
        for (SegmentChainState state : segments.values()) {
            if (state == active.state()) {
                spans.add(new ChainSnapshot.Span(state.baseOffset, state.endPosition, state.entryCount));
            } else {
                // A closed segment no longer grows: check all of it, so bytes or entries added later show up.
                Path segment = ChainDescriptor.segmentFile(directory, state.baseOffset);
                long size = sizeOr(segment, state.endPosition);
                spans.add(new ChainSnapshot.Span(state.baseOffset, size, Integer.MAX_VALUE));
            }
        }
        return new ChainSnapshot(directory, spans);
    }

    /** Retention may rename the file at any moment, so existence and size are one question, not two. */
    private long sizeOr(Path file, long whenMissing) throws IOException {
        try {
            return files.size(file);
        } catch (NoSuchFileException e) {
            return whenMissing;
        }
    }

    private void recover() throws IOException {
        Optional<ChainAnchor> anchor = readAnchor();
        anchor.ifPresent(a -> {
            anchorLink = a.link();
            anchorLastOffset = a.nextOffset() - 1;
        });
        TreeSet<Long> segmentBases = listBases(ChainDescriptor.SEGMENT_SUFFIX);
        TreeSet<Long> chainBases = listBases(ChainDescriptor.CHAIN_SUFFIX);
        chainBases.removeAll(segmentBases);
        if (!chainBases.isEmpty()) {
            recoverOrphans(chainBases, segmentBases.isEmpty() ? null : segmentBases.first(), anchor);
        }
        if (!segmentBases.isEmpty()) {
            advanceTo(segmentBases.last());
        }
        recount();
    }

    /** Chain files without a segment: below the first segment retention deleted them, above it recovery did. */
    private void recoverOrphans(TreeSet<Long> orphans, Long firstSegment, Optional<ChainAnchor> anchor)
            throws IOException {
        if (firstSegment != null && orphans.first() < firstSegment
                && anchor.map(a -> a.nextOffset() < firstSegment).orElse(true)) {
            // Retention deleted these segments but the process stopped before the anchor moved: move it now.
            for (long base : orphans.headSet(firstSegment, false).descendingSet()) {
                try (ChainFile file = ChainFile.openForRead(files, ChainDescriptor.chainFile(directory, base))) {
                    int count = file.entryCount();
                    ChainEntry last = count == 0 ? null : file.readEntry(count - 1);
                    if (last != null) {
                        new ChainAnchor(firstSegment, last.link()).write(durable, directory);
                        anchorLink = last.link();
                        anchorLastOffset = firstSegment - 1;
                        break;
                    }
                }
            }
        }
        for (long base : orphans) {
            LOG.log(Level.INFO, name + ": deleting the chain file of segment " + base + ", which no longer exists");
            files.deleteIfExists(ChainDescriptor.chainFile(directory, base));
        }
    }

    /** Makes {@code base} the active segment, closing (and catching up and fsyncing) the segments before it. */
    private void advanceTo(long base) throws IOException {
        if (active != null) {
            long current = active.state().baseOffset;
            if (base == current) {
                return;
            }
            if (base < current) {
                throw new IllegalStateException(name + ": append to segment " + base + " after segment " + current);
            }
        }
        // Segments rolled since the last append (or before registration) are chained in order.
        TreeSet<Long> between = listBases(ChainDescriptor.SEGMENT_SUFFIX);
        between.add(base);
        for (long next : active == null ? between.headSet(base, true)
                : between.subSet(active.state().baseOffset, false, base, true)) {
            if (active != null) {
                active.catchUpTo(segmentSize(active.state().baseOffset));
                syncAndClose(active);
            }
            SegmentChainState previous = active == null ? null : active.state();
            SegmentChainState state = previous == null ? new SegmentChainState(next, anchorLink, anchorLastOffset)
                    : new SegmentChainState(next, previous.lastLink, previous.lastOffset);
            active = new SegmentChainWriter(name, files, directory, state, hasher, window);
            segments.put(next, state);
            active.reconcile();
        }
    }

    /** Forces a rolled segment's chain file off the append lock, then closes it. */
    private void syncAndClose(SegmentChainWriter rolled) {
        syncExecutor.execute(() -> {
            try (rolled) {
                rolled.force();
            } catch (IOException e) {
                LOG.log(Level.WARNING, name + ": could not fsync a rolled chain file; it is recomputed from its "
                        + "segment if a power loss takes entries", e);
            }
        });
    }

    private void dropSegments(List<SegmentChainState> dropped, long nextBase, ChainLink link, long lastOffset)
            throws IOException {
        new ChainAnchor(nextBase, link).write(durable, directory);
        anchorLink = link;
        anchorLastOffset = lastOffset;
        generation++;
        for (SegmentChainState state : dropped) {
            segments.remove(state.baseOffset);
            files.deleteIfExists(ChainDescriptor.chainFile(directory, state.baseOffset));
        }
        recount();
    }

    private void recount() {
        long count = 0;
        for (SegmentChainState state : segments.values()) {
            count += state.entryCount;
        }
        if (count < batches) {
            generation++;
        }
        batches = count;
    }

    /** The size of a segment file; 0 once retention renamed it away. */
    private long segmentSize(long baseOffset) throws IOException {
        try {
            return files.size(ChainDescriptor.segmentFile(directory, baseOffset));
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    private Optional<ChainAnchor> readAnchor() throws IOException {
        try {
            return ChainAnchor.read(files, directory);
        } catch (CorruptChainException e) {
            // Left in place so verification keeps reporting it; the chain continues from genesis meanwhile.
            LOG.log(Level.ERROR, name + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private TreeSet<Long> listBases(String suffix) throws IOException {
        TreeSet<Long> bases = new TreeSet<>();
        for (Path file : files.list(directory)) {
            long base = ChainDescriptor.baseOffsetOf(file.getFileName().toString(), suffix);
            if (base >= 0) {
                bases.add(base);
            }
        }
        return bases;
    }
}
