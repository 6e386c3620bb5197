package dev.backbone.server.log;

import dev.backbone.client.batch.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.backbone.server.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a child JVM that appends with flush SYNC at random moments ({@code kill -9}), and checks that every
 * acknowledged record survives with identical bytes, offsets stay contiguous from 0, and appends continue.
 * Odd cycles let the next child recover the torn log itself; even cycles check it in this JVM first.
 */
class CrashDurabilityTest {

    private static final int CYCLES = 20;

    @TempDir
    Path dataDir;

    @TempDir
    Path logs;

    @Test
    void everyAcknowledgedSyncAppendSurvivesKillMinusNine() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        System.out.println("CrashDurabilityTest seed " + seed + " (rerun with -Dcrash.seed=" + seed + ")");
        Random random = new Random(seed);
        Map<Long, Long> acknowledged = new ConcurrentHashMap<>();
        try {
            for (int cycle = 0; cycle < CYCLES; cycle++) {
                runAndKill(seed + cycle, 10 + random.nextInt(250), acknowledged);
                if (cycle % 2 == 0 || cycle == CYCLES - 1) {
                    verify(acknowledged, cycle == CYCLES - 1);
                }
            }
        } catch (AssertionError | Exception e) {
            throw new AssertionError("failed with seed " + seed + ": " + e.getMessage(), e);
        }
        System.out.println("CrashDurabilityTest: " + acknowledged.size() + " acknowledged records over " + CYCLES + " kills");
        assertThat(acknowledged).hasSizeGreaterThan(CYCLES);
    }

    private void runAndKill(long seed, int killAfterMs, Map<Long, Long> acknowledged) throws Exception {
        ProcessBuilder builder = ChildJvm.command(List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1"),
                CrashAppender.class, dataDir.toString(), Long.toString(seed), "4");
        Path childErrors = logs.resolve("child-" + seed + ".err");
        builder.redirectError(childErrors.toFile());
        Process child = builder.start();
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> readAcks(child, ready, acknowledged), "ack-reader");
        reader.start();
        try {
            assertThat(ready.await(30, TimeUnit.SECONDS)).as("child became ready; its stderr: %s",
                    Files.exists(childErrors) ? Files.readString(childErrors) : "").isTrue();
            Thread.sleep(killAfterMs);
            assertThat(child.isAlive()).as("child still appending; its stderr: %s", Files.readString(childErrors))
                    .isTrue();
        } finally {
            // destroyForcibly is SIGKILL on Linux; the exit status 128 + 9 proves it.
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);
        }
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
    }

    private static void readAcks(Process child, CountDownLatch ready, Map<Long, Long> acknowledged) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("READY")) {
                    ready.countDown();
                } else if (line.startsWith("ACK ")) {
                    String[] parts = line.split(" ");
                    // A line cut by the kill has fewer fields or a truncated number: only whole lines count.
                    if (parts.length == 3 && !parts[2].isEmpty()) {
                        acknowledged.put(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            // The pipe breaks when the child dies; a partial last line is simply not an acknowledgement.
        }
    }

    private void verify(Map<Long, Long> acknowledged, boolean appendAfter) throws IOException {
        try (LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT)) {
            PartitionLog log = manager.openOrCreate(CrashAppender.TP, CrashAppender.CONFIG);
            List<Record> records = TestBatches.readAll(log, 0, 256 * 1024);
            for (int i = 0; i < records.size(); i++) {
                assertThat(records.get(i).offset()).as("offsets contiguous from 0").isEqualTo(i);
            }
            long maxAcked = acknowledged.keySet().stream().mapToLong(Long::longValue).max().orElse(-1);
            assertThat(log.logEndOffset()).as("end offset covers every acknowledged record").isGreaterThan(maxAcked);
            for (Map.Entry<Long, Long> ack : acknowledged.entrySet()) {
                CRC32 crc = new CRC32();
                crc.update(records.get(Math.toIntExact(ack.getKey())).value());
                assertThat(crc.getValue()).as("bytes of acknowledged offset %d", ack.getKey()).isEqualTo(ack.getValue());
            }
            if (appendAfter) {
                long end = log.logEndOffset();
                AppendResult more = log.append(TestBatches.batch(1, "after the crashes"), FlushMode.SYNC);
                assertThat(more.firstOffset()).isEqualTo(end);
                assertThat(TestBatches.text(TestBatches.readAll(log, end, 1024).get(0))).isEqualTo("after the crashes");
            }
        }
        // Leave the next child a log to recover, as after a crash, not a clean shutdown.
        Files.deleteIfExists(dataDir.resolve(LogManager.CLEAN_SHUTDOWN_MARKER));
    }
}
