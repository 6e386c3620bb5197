package dev.backbone.server.audit;

import static dev.backbone.server.audit.ChainDescriptor.ENTRY_SIZE;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.backbone.server.log.io.StorageFiles;

/**
 * Extends one segment's chain file: from batches handed over by the engine, from the segment file when the
 * chain lags behind it (recovery, a chain write that failed), and back when the engine rewrote bytes the chain
 * already covered (an append that failed after its write and was truncated).
 *
 * <p>In-memory state ({@link SegmentChainState}) only moves once the entries are written, so a failed write
 * leaves state and file agreeing, and the next call catches up from the segment.
 *
 * <p>Thread safety: not thread safe; guarded by the owning {@link PartitionChain}'s lock.
 */
final class SegmentChainWriter implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SegmentChainWriter.class.getName());
    private static final int FLUSH_ENTRIES = 1024;

    private final String name;
    private final StorageFiles files;
    private final Path segmentPath;
    private final ChainFile file;
    private final SegmentChainState state;
    private final ChainHasher hasher;
    private final ByteBuffer window;
    private final ByteBuffer pending = ByteBuffer.allocate(FLUSH_ENTRIES * ENTRY_SIZE);
    private int pendingCount;
    private long rewinds;
    // The head as it will be once the pending entries are written.
    private ChainLink pendingLink;
    private long pendingLastOffset;
    private long pendingEndPosition;

    SegmentChainWriter(String name, StorageFiles files, Path directory, SegmentChainState state, ChainHasher hasher,
                       ByteBuffer window) throws IOException {
        this.name = name;
        this.files = files;
        this.segmentPath = ChainDescriptor.segmentFile(directory, state.baseOffset);
        this.file = ChainFile.openForWrite(files, ChainDescriptor.chainFile(directory, state.baseOffset));
        this.state = state;
        this.hasher = hasher;
        this.window = window;
        resetPending();
    }

    SegmentChainState state() {
        return state;
    }

    /**
     * Brings the chain file in line with the segment file as it is on disk: drops trailing entries that are
     * torn or describe batches the segment no longer holds, then chains the batches it lacks.
     *
     * @return whether the chain file changed
     */
    boolean reconcile() throws IOException {
        int original = file.entryCount();
        FileChannel segment;
        try {
            segment = files.open(segmentPath, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            // Retention removed the segment meanwhile: its entries stay as they are, to become the anchor.
            int count = original;
            ChainEntry last = null;
            while (count > 0 && (last = file.readEntry(count - 1)) == null) {
                count--;
            }
            state.resetTo(count, last);
            resetPending();
            return false;
        }
        int count = original;
        long segmentSize;
        ChainEntry last = null;
        try (segment) {
            // The size of the open file: the segment may be renamed away meanwhile, its bytes stay readable.
            segmentSize = segment.size();
            BatchCursor cursor = new BatchCursor(segment, window);
            while (count > 0) {
                last = file.readEntry(count - 1);
                if (last != null && last.endPosition() <= segmentSize && describes(cursor, last, segmentSize)) {
                    break;
                }
                count--;
            }
        }
        state.resetTo(count, last);
        boolean fragment = file.hasTornFragment();
        if (count != original || fragment) {
            file.truncate(count);
            if (count != original) {
                LOG.log(Level.WARNING, name + ": dropped " + (original - count) + " of " + original + " entries of "
                        + file.path() + " that the segment no longer holds");
            }
        }
        resetPending();
        int before = state.entryCount;
        catchUpTo(segmentSize);
        return count != original || fragment || state.entryCount != before;
    }

    /** Chains the batches of the segment file between the chain's end and {@code position}. */
    void catchUpTo(long position) throws IOException {
        flush();
        if (position <= state.endPosition) {
            return;
        }
        try (FileChannel segment = files.open(segmentPath, StandardOpenOption.READ)) {
            long end = Math.min(position, segment.size());
            BatchCursor cursor = new BatchCursor(segment, window).reset(state.endPosition, end);
            BatchCursor.Step step;
            while ((step = cursor.next()) == BatchCursor.Step.BATCH) {
                hasher.begin(pendingLink);
                cursor.hashBatch(hasher);
                add(cursor.position(), cursor.sizeInBytes(), cursor.baseOffset(), cursor.lastOffsetDelta(),
                        hasher.finish());
            }
            if (step != BatchCursor.Step.END) {
                // Either an append still being written (the engine will hand it over) or damage recovery left.
                BatchCursor.Step stopped = step;
                long at = cursor.position();
                LOG.log(Level.DEBUG, () -> name + ": chain of " + segmentPath + " stops at position " + at + " ("
                        + stopped + ") before " + end);
            }
        } catch (NoSuchFileException e) {
            LOG.log(Level.WARNING, name + ": segment " + segmentPath + " is gone; its chain stays at "
                    + state.entryCount + " entries");
        }
        flush();
    }

    /**
     * Chains the batch the engine stored at {@code position}; {@code batch} holds exactly its bytes. A batch the
     * chain already covers with the same link is skipped; one whose position the chain covers with other bytes
     * means the engine truncated and rewrote the segment there, so the chain is cut back first.
     */
    void append(long position, ByteBuffer batch, long baseOffset, int lastOffsetDelta) throws IOException {
        if (position < pendingEndPosition) {
            flush();
            if (alreadyCovered(position, batch)) {
                return;
            }
        }
        if (position > pendingEndPosition) {
            catchUpTo(position);
            if (position != state.endPosition) {
                throw new IOException(name + ": cannot chain the batch at position " + position + " of "
                        + segmentPath + ": the segment file holds no whole batches from " + state.endPosition);
            }
        }
        add(position, batch.remaining(), baseOffset, lastOffsetDelta, hasher.link(pendingLink, batch));
    }

    /** Writes the entries gathered so far and moves the state past them. */
    void flush() throws IOException {
        if (pendingCount == 0) {
            return;
        }
        pending.flip();
        try {
            file.write(state.entryCount, pending);
        } catch (IOException e) {
            resetPending();
            throw e;
        }
        state.entryCount += pendingCount;
        state.endPosition = pendingEndPosition;
        state.lastLink = pendingLink;
        state.lastOffset = pendingLastOffset;
        pending.clear();
        pendingCount = 0;
    }

    /** Forgets entries gathered but not written (after a failure). */
    void resetPending() {
        pending.clear();
        pendingCount = 0;
        pendingLink = state.lastLink;
        pendingLastOffset = state.lastOffset;
        pendingEndPosition = state.endPosition;
    }

    /** How often the chain was cut back because the engine rewrote bytes it covered. */
    long rewinds() {
        return rewinds;
    }

    void force() throws IOException {
        file.force();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    private void add(long position, int sizeInBytes, long baseOffset, int lastOffsetDelta, ChainLink link)
            throws IOException {
        ChainEntry entry = new ChainEntry(baseOffset, position, sizeInBytes, lastOffsetDelta, link);
        entry.write(pending, pendingCount * ENTRY_SIZE);
        pending.position((pendingCount + 1) * ENTRY_SIZE);
        pendingCount++;
        pendingLink = link;
        pendingLastOffset = entry.lastOffset();
        pendingEndPosition = entry.endPosition();
        if (pendingCount == FLUSH_ENTRIES) {
            flush();
        }
    }

    private boolean alreadyCovered(long position, ByteBuffer batch) throws IOException {
        int index = state.entryCount;
        ChainEntry entry = null;
        while (index > 0) {
            entry = file.readEntry(index - 1);
            if (entry == null || entry.position() <= position) {
                break;
            }
            index--;
        }
        if (entry != null && entry.position() == position) {
            ChainEntry before = index >= 2 ? file.readEntry(index - 2) : null;
            ChainLink previous = index >= 2 ? (before == null ? null : before.link()) : state.startLink;
            if (previous != null && entry.sizeInBytes() == batch.remaining()
                    && entry.link().equals(hasher.link(previous, batch))) {
                return true;
            }
            index--;
        }
        // The engine rewrote bytes the chain covered: cut the chain back to the last batch before them.
        int keep = index;
        ChainEntry last = keep == 0 ? null : file.readEntry(keep - 1);
        while (keep > 0 && (last == null || last.endPosition() > position)) {
            keep--;
            last = keep == 0 ? null : file.readEntry(keep - 1);
        }
        LOG.log(Level.WARNING, name + ": bytes at position " + position + " of " + segmentPath
                + " were rewritten; chain cut from " + state.entryCount + " to " + keep + " entries");
        file.truncate(keep);
        rewinds++;
        state.resetTo(keep, last);
        resetPending();
        return false;
    }

    private static boolean describes(BatchCursor cursor, ChainEntry entry, long segmentSize) throws IOException {
        return cursor.reset(entry.position(), segmentSize).next() == BatchCursor.Step.BATCH
                && cursor.baseOffset() == entry.baseOffset() && cursor.sizeInBytes() == entry.sizeInBytes()
                && cursor.lastOffsetDelta() == entry.lastOffsetDelta();
    }
}
