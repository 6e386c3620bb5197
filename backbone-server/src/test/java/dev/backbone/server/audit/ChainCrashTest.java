package dev.backbone.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogManager;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.testing.ChildJvm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM that appends to an audited partition (rolling segments, retention running) with
 * {@code kill -9} at random moments; after each kill the reopened chain must verify, cover every acknowledged
 * offset, equal the plain definition computed from the files, and still contain the head seen before the kill.
 */
class ChainCrashTest {

    private static final int CYCLES = 6;

    @TempDir
    Path dataDir;

    @Test
    void theChainSurvivesKillNineAndStaysVerifiable() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        long lastAcked = -1;
        ChainHead previousHead = null;
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            String context = "seed " + seed + ", cycle " + cycle;
            int killAfter = 100 + random.nextInt(600);
            Process child = start(random.nextLong());
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                int acks = 0;
                String line;
                while (acks < killAfter && (line = out.readLine()) != null) {
                    if (line.startsWith("ACK ")) {
                        lastAcked = Long.parseLong(line.substring(4));
                        acks++;
                    }
                }
                assertThat(acks).as(context + ": the child died early, see its stderr").isEqualTo(killAfter);
                child.destroyForcibly(); // SIGKILL on Linux: no close, no fsync of the chain files
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                child.destroyForcibly();
            }
            previousHead = checkAfterKill(context, lastAcked, previousHead);
            lastAcked = previousHead.offset();
        }
        assertThat(ChainAnchor.read(dataDir.resolve(ChainCrashChild.TP.directoryName())))
                .as("seed " + seed + ": retention ran in the children and moved the anchor").isPresent();
    }

    private ChainHead checkAfterKill(String context, long lastAcked, ChainHead previousHead) throws Exception {
        // No background retention here: it would move the chain's start between the comparisons below.
        try (LogManager manager = new LogManager(dataDir,
                ChainCrashChild.OPTIONS.withRetentionCheckInterval(Duration.ofHours(1)))) {
            PartitionLog log = manager.openOrCreate(ChainCrashChild.TP, ChainCrashChild.CONFIG);
            try (PartitionChain chain = PartitionChain.attach(log, Runnable::run)) {
                ChainHead head = chain.head();
                assertThat(head.offset()).as(context + ": every acknowledged offset is chained")
                        .isGreaterThanOrEqualTo(lastAcked);
                assertThat(head.offset()).as(context).isEqualTo(log.logEndOffset() - 1);
                assertThat(PlainChainModel.of(head)).as(context + " in " + listing(log.directory()) + ", anchor "
                        + ChainAnchor.read(log.directory()) + ", verify " + chain.verify(null))
                        .isEqualTo(PlainChainModel.head(log.directory()));
                ChainClaim claim = previousHead == null ? null
                        : new ChainClaim(previousHead.offset(), previousHead.link());
                ChainVerification result = chain.verify(claim);
                assertThat(result.valid()).as(context + ": " + result).isTrue();
                if (claim != null) {
                    assertThat(result.claim()).as(context).isIn(ChainClaim.Outcome.MATCHED,
                            ChainClaim.Outcome.DELETED);
                }
                // Appending goes on, chained.
                log.append(new RecordBatchBuilder().add(1, null, "after".getBytes(StandardCharsets.UTF_8),
                        List.of()).build(), FlushMode.SYNC);
                assertThat(chain.head().offset()).as(context).isEqualTo(log.logEndOffset() - 1);
                assertThat(chain.verify(null).valid()).as(context).isTrue();
                return chain.head();
            }
        }
    }

    private static String listing(Path directory) throws IOException {
        try (var files = java.nio.file.Files.list(directory)) {
            return files.map(p -> p.getFileName() + ":" + p.toFile().length()).sorted().toList().toString();
        }
    }

    private Process start(long childSeed) throws IOException {
        return ChildJvm.command(List.of("-Xmx128m"), ChainCrashChild.class, dataDir.toString(), Long.toString(childSeed))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }
}
