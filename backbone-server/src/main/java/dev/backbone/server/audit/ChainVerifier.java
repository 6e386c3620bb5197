package dev.backbone.server.audit;

import dev.backbone.server.log.ZeroFilledTail;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

import dev.backbone.server.log.io.StorageFiles;

/**
 * Recomputes a partition's chain from its segment bytes and compares it with the stored links.
 *
 * <p>For each segment in order, the segment is walked batch by batch from position 0; the i-th batch must
 * match the i-th chain entry (base offset, position, size, last offset delta), its link must equal
 * {@code SHA-256(previous link || batch bytes)}, and it must start one past the previous batch's last offset.
 * The first failure is reported with the base offset it was expected at; nothing after it is trusted.
 *
 * <p>Thread safety: not thread safe (it reuses buffers); one verification at a time per instance.
 */
public final class ChainVerifier {

    private static final int WINDOW_BYTES = 256 * 1024;
    private static final int ENTRIES_PER_READ = 1024;

    private final StorageFiles files;
    private final ChainHasher hasher = new ChainHasher();
    private final ByteBuffer window = ByteBuffer.allocate(WINDOW_BYTES);
    private final ByteBuffer entries = ByteBuffer.allocate(ENTRIES_PER_READ * ChainDescriptor.ENTRY_SIZE);

    /** A verifier reading the files through {@code files}. */
    public ChainVerifier(StorageFiles files) {
        this.files = files;
    }

    /** Verifies the snapshot; {@code claim} (nullable) is a head recorded earlier that must be in the chain. */
    public ChainVerification verify(ChainSnapshot snapshot, ChainClaim claim) throws IOException {
        Path directory = snapshot.directory();
        Optional<ChainAnchor> anchor;
        try {
            anchor = ChainAnchor.read(files, directory);
        } catch (CorruptChainException e) {
            long at = snapshot.segments().isEmpty() ? 0 : snapshot.segments().get(0).baseOffset();
            return ChainVerification.broken(0, at, ChainBreak.ANCHOR_CORRUPT, e.getMessage());
        }
        Walk walk = new Walk(anchor.map(ChainAnchor::link).orElse(ChainLink.GENESIS),
                anchor.map(ChainAnchor::nextOffset).orElse(-1L), claim);
        if (claim != null && anchor.isPresent() && claim.offset() < anchor.get().nextOffset()) {
            ChainVerification broken = walk.checkClaimAtAnchor(anchor.get());
            if (broken != null) {
                return broken;
            }
        }
        for (ChainSnapshot.Span span : snapshot.segments()) {
            ChainVerification broken = verifySegment(directory, span, walk);
            if (broken != null) {
                return broken;
            }
        }
        return walk.finish();
    }

    private ChainVerification verifySegment(Path directory, ChainSnapshot.Span span, Walk walk) throws IOException {
        Path segmentPath = ChainDescriptor.segmentFile(directory, span.baseOffset());
        Path chainPath = ChainDescriptor.chainFile(directory, span.baseOffset());
        FileChannel segment;
        try {
            segment = files.open(segmentPath, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return walk.broken(span.baseOffset(), ChainBreak.MISSING_SEGMENT, segmentPath + " does not exist");
        }
        try (segment; ChainFile chain = openChain(chainPath)) {
            long end = Math.min(span.endPosition(), segment.size());
            int entryCount = chain == null ? 0 : Math.min(span.entryCount(), chain.entryCount());
            BatchCursor cursor = new BatchCursor(segment, window).reset(0, end);
            int index = 0;
            while (true) {
                BatchCursor.Step step = cursor.next();
                if (step == BatchCursor.Step.END) {
                    break;
                }
                if (step != BatchCursor.Step.BATCH) {
                    if (ZeroFilledTail.isZeros(segment, cursor.position())) {
                        // A copy of an open segment: the zeros written ahead of sync appends are no data.
                        break;
                    }
                    return walk.broken(cursor.baseOffset(), ChainBreak.TORN_BATCH, segmentPath + " at position "
                            + cursor.position() + ": " + step + " (verified up to " + end + " bytes)");
                }
                if (index >= entryCount) {
                    return walk.broken(cursor.baseOffset(), ChainBreak.MISSING_ENTRY, chainPath + " has "
                            + entryCount + " entries; the batch at position " + cursor.position() + " of "
                            + segmentPath + " has none");
                }
                if (index % ENTRIES_PER_READ == 0) {
                    chain.readEntries(index, Math.min(ENTRIES_PER_READ, entryCount - index), entries);
                }
                ChainVerification broken = walk.step(cursor, entries, (index % ENTRIES_PER_READ)
                        * ChainDescriptor.ENTRY_SIZE, chainPath, index, hasher);
                if (broken != null) {
                    return broken;
                }
                index++;
            }
            if (index < entryCount) {
                chain.readEntries(index, 1, entries);
                return walk.broken(ChainEntry.read(entries, 0).baseOffset(), ChainBreak.EXTRA_ENTRY, chainPath
                        + " has " + entryCount + " entries but " + segmentPath + " holds " + index
                        + " batches in its first " + end + " bytes");
            }
            return null;
        }
    }

    private ChainFile openChain(Path chainPath) throws IOException {
        try {
            return ChainFile.openForRead(files, chainPath);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** The state carried from batch to batch: previous link, expected offset, claim progress. */
    private static final class Walk {

        private ChainLink previous;
        private long expectedOffset;
        private long lastOffset;
        private long batches;
        private final ChainClaim claim;
        private ChainClaim.Outcome claimOutcome = ChainClaim.Outcome.NONE;

        Walk(ChainLink previous, long expectedOffset, ChainClaim claim) {
            this.previous = previous;
            this.expectedOffset = expectedOffset;
            this.lastOffset = expectedOffset < 0 ? -1 : expectedOffset - 1;
            this.claim = claim;
        }

        ChainVerification checkClaimAtAnchor(ChainAnchor anchor) {
            // The anchor holds the link of the batch ending just before it, so that one claim is still checkable;
            // older ones went with their segments.
            if (claim.offset() != anchor.nextOffset() - 1) {
                claimOutcome = ChainClaim.Outcome.DELETED;
                return null;
            }
            if (!claim.link().equals(anchor.link())) {
                return ChainVerification.broken(0, claim.offset(), ChainBreak.CLAIM_MISMATCH, "the anchor holds link "
                        + anchor.link() + " for offset " + claim.offset() + ", the claim says " + claim.link());
            }
            claimOutcome = ChainClaim.Outcome.MATCHED;
            return null;
        }

        ChainVerification step(BatchCursor batch, ByteBuffer entries, int at, Path chainPath, int index,
                               ChainHasher hasher) throws IOException {
            if (!ChainEntry.isIntact(entries, at)) {
                return broken(batch.baseOffset(), ChainBreak.ENTRY_CORRUPT, chainPath + " entry " + index);
            }
            ChainEntry entry = ChainEntry.read(entries, at);
            if (entry.baseOffset() != batch.baseOffset() || entry.position() != batch.position()
                    || entry.sizeInBytes() != batch.sizeInBytes()
                    || entry.lastOffsetDelta() != batch.lastOffsetDelta()) {
                return broken(entry.baseOffset(), ChainBreak.ENTRY_MISMATCH, chainPath + " entry " + index + " says "
                        + entry.baseOffset() + "@" + entry.position() + "+" + entry.sizeInBytes() + " (last delta "
                        + entry.lastOffsetDelta() + "), the segment holds " + batch.baseOffset() + "@"
                        + batch.position() + "+" + batch.sizeInBytes() + " (last delta " + batch.lastOffsetDelta()
                        + ")");
            }
            hasher.begin(previous);
            batch.hashBatch(hasher);
            ChainLink link = hasher.finish();
            if (!link.equals(entry.link())) {
                return broken(entry.baseOffset(), ChainBreak.LINK_MISMATCH, chainPath + " entry " + index
                        + " holds " + entry.link() + ", the batch at position " + batch.position()
                        + " recomputes to " + link);
            }
            if (expectedOffset >= 0 && batch.baseOffset() != expectedOffset) {
                return broken(batch.baseOffset(), ChainBreak.OFFSET_GAP, "batch at position " + batch.position()
                        + " of " + chainPath.getFileName() + "'s segment starts at " + batch.baseOffset()
                        + ", expected " + expectedOffset);
            }
            if (claim != null && claim.offset() == batch.lastOffset()) {
                if (!claim.link().equals(link)) {
                    return broken(batch.baseOffset(), ChainBreak.CLAIM_MISMATCH, "the batch ending at "
                            + batch.lastOffset() + " has link " + link + ", the claim says " + claim.link());
                }
                claimOutcome = ChainClaim.Outcome.MATCHED;
            }
            previous = link;
            lastOffset = batch.lastOffset();
            expectedOffset = lastOffset + 1;
            batches++;
            return null;
        }

        /** A break at {@code fallbackOffset}, or where the next batch was due when that is known. */
        ChainVerification broken(long fallbackOffset, ChainBreak reason, String detail) {
            long at = expectedOffset >= 0 ? expectedOffset : fallbackOffset;
            return ChainVerification.broken(batches, at, reason, detail);
        }

        ChainVerification finish() {
            if (claim != null && claimOutcome == ChainClaim.Outcome.NONE) {
                return ChainVerification.broken(batches, claim.offset(), ChainBreak.CLAIM_MISMATCH,
                        "no batch of the chain ends at the claimed offset " + claim.offset() + " (the chain ends at "
                                + lastOffset + ")");
            }
            return ChainVerification.valid(new ChainHead(lastOffset, previous, batches), claimOutcome);
        }
    }
}
