package dev.backbone.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogConfig;
import dev.backbone.server.log.LogManager;
import dev.backbone.server.log.LogManagerOptions;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import dev.backbone.server.log.io.SimulatedDisk;

/**
 * The audit chain through power cuts on a {@link SimulatedDisk}: appends in {@code sync} mode, segment rolls and
 * retention (which moves the chain's anchor) until the power goes at a random file operation, then a restart on
 * what the disk kept. After every cut the chain must verify from the segment bytes, its head must be the last
 * record of the recovered log, and the head recorded after the last acknowledged append must still be in it
 * (acknowledged bytes survive the cut, so their links must too).
 *
 * <p>Seeded: {@code -Dbackbone.powerCut.seed=...} repeats a run; the seed is printed.
 */
class AuditChainPowerCutTest {

    private static final Path DATA = Path.of("/simulated/audit-chain");
    private static final TopicPartition TP = new TopicPartition("ledger", 0);
    private static final int CUTS = 60;

    @Test
    void theChainAgreesWithTheRecoveredLogAfterEveryCut() throws IOException {
        long seed = Long.getLong("backbone.powerCut.seed", System.nanoTime());
        System.out.println("AuditChainPowerCutTest seed " + seed + ", " + CUTS + " cuts");
        SimulatedDisk disk = new SimulatedDisk(DATA, new Random(seed));
        Random random = new Random(~seed);
        LogConfig config = LogConfig.DEFAULT.withSegmentBytes(4096).withRetentionBytes(12 * 1024)
                .withFlushMode(FlushMode.SYNC);
        ChainClaim acknowledged = null;
        int checked = 0;
        for (int cut = 0; cut < CUTS; cut++) {
            int cutsBefore = disk.cuts();
            LogManager manager = null;
            PartitionChain chain = null;
            try {
                manager = new LogManager(DATA, LogManagerOptions.DEFAULT.withFiles(disk.files())
                        .withRetentionCheckInterval(Duration.ofHours(1)).withFileDeleteDelay(Duration.ZERO));
                PartitionLog log = manager.openOrCreate(TP, config);
                chain = PartitionChain.attach(log, Runnable::run);
                check(log, chain, acknowledged, "seed " + seed + ", after cut " + cut);
                checked++;
                disk.cutAfterOperations(random.nextInt(300));
                for (int i = 0; i < 100; i++) {
                    if (random.nextInt(10) == 0) {
                        manager.applyRetention();
                    }
                    log.append(batch(random), FlushMode.SYNC);
                    ChainHead head = chain.head();
                    acknowledged = new ChainClaim(head.offset(), head.link());
                }
            } catch (IOException | RuntimeException e) {
                if (disk.cuts() == cutsBefore) {
                    throw e;
                }
            }
            if (disk.cuts() == cutsBefore) {
                disk.powerCut();
            }
            closeQuietly(chain, manager);
        }
        assertThat(checked).as("seed %d: restarts that got as far as the check", seed).isGreaterThan(CUTS / 2);
    }

    private static ByteBuffer batch(Random random) {
        RecordBatchBuilder builder = new RecordBatchBuilder();
        int records = 1 + random.nextInt(3);
        for (int i = 0; i < records; i++) {
            byte[] value = new byte[1 + random.nextInt(200)];
            random.nextBytes(value);
            builder.add(1_700_000_000_000L, null, value, List.of());
        }
        return builder.build();
    }

    private static void check(PartitionLog log, PartitionChain chain, ChainClaim acknowledged, String context)
            throws IOException {
        ChainVerification plain = chain.verify(null);
        assertThat(plain.valid()).as("%s: verification %s", context, plain).isTrue();
        assertThat(chain.head().offset()).as("%s: chain head against the log end %d", context,
                log.logEndOffset()).isEqualTo(log.logEndOffset() - 1);
        assertThat(plain.head()).as("%s: verified head", context).isEqualTo(chain.head());
        if (acknowledged == null) {
            return;
        }
        ChainVerification claimed = chain.verify(acknowledged);
        assertThat(claimed.valid()).as("%s: the head acknowledged before the cut, %s: %s", context, acknowledged,
                claimed).isTrue();
        if (acknowledged.offset() >= log.logStartOffset()) {
            assertThat(claimed.claim()).as("%s: claim %s", context, acknowledged)
                    .isEqualTo(ChainClaim.Outcome.MATCHED);
        }
    }

    private static void closeQuietly(PartitionChain chain, LogManager manager) {
        try {
            if (chain != null) {
                chain.close();
            }
        } catch (IOException | RuntimeException dead) {
            // the disk under it is gone
        }
        try {
            if (manager != null) {
                manager.close();
            }
        } catch (IOException | RuntimeException dead) {
            // the disk under it is gone
        }
    }
}
