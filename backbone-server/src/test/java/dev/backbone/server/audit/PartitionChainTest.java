package dev.backbone.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.backbone.server.log.io.StorageFiles;

class PartitionChainTest {

    @TempDir
    Path dir;

    private PartitionChain chain;

    static long[] seeds() {
        long now = System.nanoTime();
        return new long[] {1L, 42L, 20261201L, now, now + 1};
    }

    @AfterEach
    void closeChain() throws IOException {
        if (chain != null) {
            chain.close();
        }
    }

    private FileLogFixture openFixture() throws IOException {
        FileLogFixture log = new FileLogFixture(dir, 4096);
        chain = PartitionChain.open(StorageFiles.real(), "t-0", dir, Runnable::run);
        log.attach(chain);
        return log;
    }

    private void reopen(FileLogFixture log) throws IOException {
        chain.close();
        chain = PartitionChain.open(StorageFiles.real(), "t-0", dir, Runnable::run);
        log.attach(chain);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void chainAcrossRollsMatchesPlainSha256Model(long seed) throws Exception {
        FileLogFixture log = openFixture();
        List<FileLogFixture.Stored> stored = log.appendRandom(new Random(seed), 120);

        assertThat(log.segmentCount()).as("seed %d: segments rolled", seed).isGreaterThan(3);
        ChainHead head = chain.head();
        assertThat(head.batches()).as("seed %d", seed).isEqualTo(stored.size());
        assertThat(head.offset()).as("seed %d", seed).isEqualTo(stored.get(stored.size() - 1).lastOffset());
        assertThat(head.link().toByteArray()).as("seed %d", seed)
                .isEqualTo(FileLogFixture.modelHead(dir, new byte[32], stored));

        ChainVerification result = chain.verify(null);
        assertThat(result.valid()).as("seed %d: %s", seed, result).isTrue();
        assertThat(result.batches()).isEqualTo(stored.size());
        assertThat(result.head()).isEqualTo(head);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void aChangedByteInASegmentIsReportedAtItsBatch(long seed) throws Exception {
        Random random = new Random(seed);
        FileLogFixture log = openFixture();
        List<FileLogFixture.Stored> stored = log.appendRandom(random, 60);
        FileLogFixture.Stored victim = stored.get(random.nextInt(stored.size()));
        long position = victim.position() + random.nextInt(victim.size());

        FileLogFixture.flipBit(ChainDescriptor.segmentFile(dir, victim.segmentBase()), position, random.nextInt(8));

        ChainVerification result = chain.verify(null);
        assertThat(result.valid()).as("seed %d: byte %d of batch %s", seed, position, victim).isFalse();
        assertThat(result.brokenAtOffset()).as("seed %d: %s", seed, result).isEqualTo(victim.baseOffset());
        assertThat(result.batches()).as("seed %d", seed).isEqualTo(stored.indexOf(victim));
    }

    @Test
    void aChangedLinkInAChainFileIsDetected() throws Exception {
        FileLogFixture log = openFixture();
        List<FileLogFixture.Stored> stored = log.appendRandom(new Random(7), 40);
        FileLogFixture.Stored victim = stored.get(stored.size() / 2);
        Path chainFile = ChainDescriptor.chainFile(dir, victim.segmentBase());
        int index = (int) stored.stream().filter(s -> s.segmentBase() == victim.segmentBase())
                .takeWhile(s -> s != victim).count();

        // Rewrite the entry with a forged link and a matching entry CRC, as a careful forger would.
        ByteBuffer entry = ByteBuffer.allocate(ChainDescriptor.ENTRY_SIZE);
        try (FileChannel channel = FileChannel.open(chainFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            channel.read(entry, (long) index * ChainDescriptor.ENTRY_SIZE);
            ChainEntry original = ChainEntry.read(entry, 0);
            byte[] forged = original.link().toByteArray();
            forged[0] ^= 1;
            new ChainEntry(original.baseOffset(), original.position(), original.sizeInBytes(),
                    original.lastOffsetDelta(), ChainLink.of(forged)).write(entry, 0);
            channel.write(entry.rewind(), (long) index * ChainDescriptor.ENTRY_SIZE);
        }

        ChainVerification result = chain.verify(null);
        assertThat(result.valid()).isFalse();
        assertThat(result.reason()).isEqualTo(ChainBreak.LINK_MISMATCH);
        assertThat(result.brokenAtOffset()).isEqualTo(victim.baseOffset());
    }

    @Test
    void aDamagedChainEntryIsReportedAsCorrupt() throws Exception {
        FileLogFixture log = openFixture();
        List<FileLogFixture.Stored> stored = log.appendRandom(new Random(8), 10);
        FileLogFixture.Stored first = stored.get(0);

        FileLogFixture.flipBit(ChainDescriptor.chainFile(dir, first.segmentBase()),
                ChainDescriptor.ENTRY_LINK_OFFSET + 3, 2);

        ChainVerification result = chain.verify(null);
        assertThat(result.reason()).isEqualTo(ChainBreak.ENTRY_CORRUPT);
        assertThat(result.brokenAtOffset()).isEqualTo(0L);
    }

    @Test
    void retentionKeepsTheChainVerifiableFromTheNewStart() throws Exception {
        FileLogFixture log = openFixture();
        log.appendRandom(new Random(9), 150);
        ChainHead before = chain.head();
        ChainHead oldHead = before;
        int segmentsBefore = log.segmentCount();

        long newStart = log.deleteOldest(3);

        assertThat(log.segmentCount()).isEqualTo(segmentsBefore - 3);
        assertThat(ChainAnchor.read(dir)).get().extracting(ChainAnchor::nextOffset).isEqualTo(newStart);
        assertThat(Files.exists(ChainDescriptor.chainFile(dir, 0))).isFalse();
        ChainHead after = chain.head();
        assertThat(after.link()).isEqualTo(before.link());
        assertThat(after.batches()).isEqualTo(log.stored().size());
        ChainVerification result = chain.verify(new ChainClaim(oldHead.offset(), oldHead.link()));
        assertThat(result.valid()).as("%s", result).isTrue();
        assertThat(result.claim()).isEqualTo(ChainClaim.Outcome.MATCHED);
        assertThat(result.batches()).isEqualTo(log.stored().size());

        // The chain grows on from there and survives a restart.
        log.appendRandom(new Random(10), 20);
        reopen(log);
        assertThat(chain.verify(null).valid()).isTrue();
        assertThat(chain.head().batches()).isEqualTo(log.stored().size());
        byte[] anchor = ChainAnchor.read(dir).orElseThrow().link().toByteArray();
        assertThat(chain.head().link().toByteArray()).isEqualTo(FileLogFixture.modelHead(dir, anchor, log.stored()));
    }

    @Test
    void claimsBeforeTheAnchorAreReportedDeletedAndWrongClaimsFail() throws Exception {
        FileLogFixture log = openFixture();
        List<FileLogFixture.Stored> stored = log.appendRandom(new Random(11), 100);
        FileLogFixture.Stored early = stored.get(1);
        ChainLink earlyLink = ChainLink.of(FileLogFixture.modelHead(dir, new byte[32], stored.subList(0, 2)));
        assertThat(chain.verify(new ChainClaim(early.lastOffset(), earlyLink)).claim())
                .isEqualTo(ChainClaim.Outcome.MATCHED);

        ChainVerification wrong = chain.verify(new ChainClaim(early.lastOffset(), ChainLink.GENESIS));
        assertThat(wrong.valid()).isFalse();
        assertThat(wrong.reason()).isEqualTo(ChainBreak.CLAIM_MISMATCH);
        ChainVerification beyond = chain.verify(new ChainClaim(chain.head().offset() + 5, chain.head().link()));
        assertThat(beyond.reason()).isEqualTo(ChainBreak.CLAIM_MISMATCH);

        log.deleteOldest(2);
        ChainVerification deleted = chain.verify(new ChainClaim(early.lastOffset(), earlyLink));
        assertThat(deleted.valid()).isTrue();
        assertThat(deleted.claim()).isEqualTo(ChainClaim.Outcome.DELETED);
    }

    @Test
    void restartKeepsTheChainAndRecomputesMissingEntries() throws Exception {
        FileLogFixture log = openFixture();
        log.appendRandom(new Random(12), 80);
        ChainHead head = chain.head();
        chain.close();

        // A crash lost the active chain file's tail and left a torn entry fragment behind.
        Path active = ChainDescriptor.chainFile(dir, log.activeBase());
        long entries = Files.size(active) / ChainDescriptor.ENTRY_SIZE;
        try (FileChannel channel = FileChannel.open(active, StandardOpenOption.WRITE)) {
            channel.truncate((entries / 2) * ChainDescriptor.ENTRY_SIZE + 17);
        }
        chain = PartitionChain.open(StorageFiles.real(), "t-0", dir, Runnable::run);
        log.attach(chain);

        assertThat(chain.head()).isEqualTo(head);
        assertThat(Files.size(active)).isEqualTo(entries * ChainDescriptor.ENTRY_SIZE);
        assertThat(chain.verify(null).valid()).isTrue();
    }

    @Test
    void entriesBeyondARecoveredSegmentAreDropped() throws Exception {
        FileLogFixture log = openFixture();
        List<FileLogFixture.Stored> stored = log.appendRandom(new Random(13), 50);
        chain.close();
        // Recovery truncated the last batch of the active segment (it was torn).
        FileLogFixture.Stored last = stored.get(stored.size() - 1);
        log.truncateActive(last.position());

        chain = PartitionChain.open(StorageFiles.real(), "t-0", dir, Runnable::run);
        log.attach(chain);

        assertThat(chain.head().batches()).isEqualTo(stored.size() - 1);
        assertThat(chain.head().offset()).isEqualTo(last.baseOffset() - 1);
        log.appendRandom(new Random(14), 5);
        ChainVerification result = chain.verify(null);
        assertThat(result.valid()).as("%s", result).isTrue();
        assertThat(result.batches()).isEqualTo(log.stored().size());
    }

    @Test
    void anInterruptedRetentionRunMovesTheAnchorOnRestart() throws Exception {
        FileLogFixture log = openFixture();
        log.appendRandom(new Random(15), 100);
        chain.close();
        // Retention deleted two segments, then the process died before the chain heard of it.
        chain = null;
        FileLogFixture fresh = new FileLogFixture(dir, 4096);
        List<Long> bases;
        try (var files = Files.list(dir)) {
            bases = files.map(p -> ChainDescriptor.baseOffsetOf(p.getFileName().toString(), ".log"))
                    .filter(b -> b >= 0).sorted().toList();
        }
        Files.delete(ChainDescriptor.segmentFile(dir, bases.get(0)));
        Files.delete(ChainDescriptor.segmentFile(dir, bases.get(1)));

        chain = PartitionChain.open(StorageFiles.real(), "t-0", dir, Runnable::run);
        fresh.attach(chain);

        assertThat(ChainAnchor.read(dir)).get().extracting(ChainAnchor::nextOffset).isEqualTo(bases.get(2));
        assertThat(Files.exists(ChainDescriptor.chainFile(dir, bases.get(0)))).isFalse();
        ChainVerification result = chain.verify(null);
        assertThat(result.valid()).as("%s", result).isTrue();
    }

    @Test
    void anAppendTheEngineTookBackAndRewroteIsRechained() throws Exception {
        FileLogFixture log = openFixture();
        log.appendRandom(new Random(16), 5);
        FileLogFixture.Stored first = log.append(List.of(TestBatches.batch(1, "first".getBytes())), true).get(0);
        log.truncateActive(first.position());
        FileLogFixture.Stored second = log.append(List.of(TestBatches.batch(2, "second, longer".getBytes())), true)
                .get(0);
        assertThat(second.position()).isEqualTo(first.position());
        assertThat(second.baseOffset()).isEqualTo(first.baseOffset());

        ChainVerification result = chain.verify(null);
        assertThat(result.valid()).as("%s", result).isTrue();
        assertThat(result.batches()).isEqualTo(log.stored().size());
        assertThat(chain.head().offset()).isEqualTo(log.stored().get(log.stored().size() - 1).lastOffset());
    }

    @Test
    void anAppendTheChainMissedIsCaughtUpFromTheSegment() throws Exception {
        FileLogFixture log = openFixture();
        log.appendRandom(new Random(17), 5);
        log.append(List.of(TestBatches.batch(1, "unseen".getBytes())), false);
        log.append(List.of(TestBatches.batch(2, "seen".getBytes())), true);

        assertThat(chain.head().batches()).isEqualTo(log.stored().size());
        assertThat(chain.verify(null).valid()).isTrue();
    }

    @Test
    void aRepeatedNotificationChangesNothing() throws Exception {
        FileLogFixture log = openFixture();
        log.appendRandom(new Random(18), 5);
        FileLogFixture.Stored last = log.stored().get(log.stored().size() - 1);
        ByteBuffer bytes = ByteBuffer.allocate(last.size());
        try (FileChannel channel = FileChannel.open(ChainDescriptor.segmentFile(dir, last.segmentBase()))) {
            channel.read(bytes, last.position());
        }
        ChainHead head = chain.head();

        chain.onAppend(FileLogFixture.TP, last.segmentBase(), last.position(), bytes.flip());

        assertThat(chain.head()).isEqualTo(head);
        assertThat(chain.verify(null).valid()).isTrue();
    }

    @Test
    void aBatchAddedToAClosedSegmentIsAMissingEntry() throws Exception {
        FileLogFixture log = openFixture();
        List<FileLogFixture.Stored> stored = log.appendRandom(new Random(19), 60);
        long firstBase = stored.get(0).segmentBase();
        long end = Files.size(ChainDescriptor.segmentFile(dir, firstBase));
        ByteBuffer extra = TestBatches.batch(3, "forged".getBytes());
        try (FileChannel channel = FileChannel.open(ChainDescriptor.segmentFile(dir, firstBase),
                StandardOpenOption.WRITE)) {
            channel.write(extra, end);
        }

        ChainVerification result = chain.verify(null);
        assertThat(result.reason()).isEqualTo(ChainBreak.MISSING_ENTRY);
        long nextSegment = stored.stream().filter(s -> s.segmentBase() != firstBase).findFirst().orElseThrow()
                .baseOffset();
        assertThat(result.brokenAtOffset()).isEqualTo(nextSegment);
    }

    @Test
    void anEmptyPartitionHasTheGenesisHead() throws Exception {
        openFixture();
        assertThat(chain.head()).isEqualTo(new ChainHead(-1, ChainLink.GENESIS, 0));
        ChainVerification result = chain.verify(null);
        assertThat(result.valid()).isTrue();
        assertThat(result.batches()).isZero();
    }
}
