package dev.backbone.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogManager;
import dev.backbone.server.log.LogManagerOptions;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM that appends to key streams with {@code kill -9} at random moments, then checks that the
 * reopened index returns every acknowledged record at its version, with no gaps, and that appends go on.
 */
class KeyStreamCrashTest {

    private static final int CYCLES = 6;

    @TempDir
    Path dataDir;

    @Test
    void everyAcknowledgedRecordKeepsItsVersionAcrossKillNine() throws Exception {
        long seed = System.nanoTime();
        String context = "seed " + seed;
        Random random = new Random(seed);
        // key -> (version -> offset) of every acknowledged record
        Map<String, Map<Integer, Long>> acked = new HashMap<>();
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            int killAfter = 20 + random.nextInt(400);
            Process child = start(random.nextLong());
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                int acks = 0;
                String line;
                while (acks < killAfter && (line = out.readLine()) != null) {
                    if (line.startsWith("ACK ")) {
                        String[] parts = line.split(" ");
                        acked.computeIfAbsent(parts[1], k -> new HashMap<>())
                                .put(Integer.parseInt(parts[2]), Long.parseLong(parts[3]));
                        acks++;
                    }
                }
                assertThat(acks).as(context + ": the child died early, see its stderr").isEqualTo(killAfter);
                child.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no close, no snapshot
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                child.destroyForcibly();
            }
            verify(acked, context + " after cycle " + cycle);
        }
    }

    private void verify(Map<String, Map<Integer, Long>> acked, String context) throws IOException {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT)) {
            PartitionLog log = manager.openOrCreate(KeyStreamCrashChild.TP, KeyStreamCrashChild.CONFIG);
            try (PartitionKeyIndex keys = PartitionKeyIndex.open(log, KeyHasher.XXH64, executor)) {
                for (Map.Entry<String, Map<Integer, Long>> stream : acked.entrySet()) {
                    String key = stream.getKey();
                    KeyStreamRead read = keys.read(key.getBytes(StandardCharsets.UTF_8), 0, 100_000);
                    List<Integer> versions = new ArrayList<>();
                    for (VersionedRecord record : read.records()) {
                        versions.add(record.version());
                        assertThat(new String(record.record().value(), StandardCharsets.UTF_8))
                                .as(context).isEqualTo(key + ":" + record.version());
                        Long ackedOffset = stream.getValue().get(record.version());
                        if (ackedOffset != null) {
                            assertThat(record.record().offset()).as(context + " " + key).isEqualTo(ackedOffset);
                        }
                    }
                    assertThat(versions).as(context + ": versions of " + key + " are 0..n-1")
                            .isEqualTo(IntStream.range(0, versions.size()).boxed().toList());
                    assertThat(versions).as(context + ": every acknowledged version of " + key + " is there")
                            .containsAll(stream.getValue().keySet());
                    assertThat(read.currentVersion()).isEqualTo(versions.size() - 1);
                }
                // Appending goes on from the recovered version.
                byte[] key = "stream-0".getBytes(StandardCharsets.UTF_8);
                int before = keys.version(key);
                log.append(new RecordBatchBuilder().add(1, key, ("stream-0:" + (before + 1))
                        .getBytes(StandardCharsets.UTF_8), List.of()).build(), FlushMode.SYNC);
                assertThat(keys.version(key)).as(context).isEqualTo(before + 1);
                acked.computeIfAbsent("stream-0", k -> new HashMap<>()).put(before + 1, log.logEndOffset() - 1);
            }
        } finally {
            executor.shutdownNow();
        }
    }

    private Process start(long childSeed) throws IOException {
        return ChildJvm.command(List.of("-Xmx128m"), KeyStreamCrashChild.class, dataDir.toString(), Long.toString(childSeed))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }
}
