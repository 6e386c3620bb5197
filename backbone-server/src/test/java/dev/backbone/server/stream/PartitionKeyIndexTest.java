package dev.backbone.server.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogConfig;
import dev.backbone.server.log.LogManager;
import dev.backbone.server.log.LogManagerOptions;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A key index over a real log in a temp directory: indexing, reads, restarts, damage, retention, races. */
class PartitionKeyIndexTest {

    private static final TopicPartition TP = new TopicPartition("orders", 0);
    private static final LogConfig CONFIG = LogConfig.DEFAULT.withSegmentBytes(4096).withIndexIntervalBytes(256);

    @TempDir
    Path dataDir;

    private LogManager manager;
    private PartitionLog log;
    private PartitionKeyIndex keys;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @BeforeEach
    void open() throws IOException {
        manager = new LogManager(dataDir, LogManagerOptions.DEFAULT);
        log = manager.openOrCreate(TP, CONFIG);
        keys = PartitionKeyIndex.open(log, KeyHasher.XXH64, executor);
    }

    @AfterEach
    void close() throws IOException {
        if (keys != null) {
            keys.close();
        }
        manager.close();
        executor.shutdownNow();
    }

    @Test
    void versionsCountEveryKeyedRecordAndReadsReturnOnlyThatKey() throws IOException {
        append(batch("a", "a0", null, "x", "b", "b0", "a", "a1"));
        append(batch("b", "b1", "a", "a2"));

        assertThat(keys.version(key("a"))).isEqualTo(2);
        assertThat(keys.version(key("b"))).isEqualTo(1);
        assertThat(keys.version(key("zzz"))).isEqualTo(-1);

        KeyStreamRead read = keys.read(key("a"), 0, 100);
        assertThat(read.currentVersion()).isEqualTo(2);
        assertThat(values(read)).containsExactly("a0", "a1", "a2");
        assertThat(read.records()).extracting(VersionedRecord::version).containsExactly(0, 1, 2);
        assertThat(read.records()).extracting(r -> r.record().offset()).containsExactly(0L, 3L, 5L);
        assertThat(values(keys.read(key("a"), 1, 1))).containsExactly("a1");
        assertThat(keys.read(key("a"), 3, 10).records()).isEmpty();
        assertThat(keys.read(key("nobody"), 0, 10)).isEqualTo(new KeyStreamRead(-1, List.of()));
    }

    @Test
    void indexOpenedLateCatchesUpFromTheLog() throws IOException {
        keys.close();
        keys = null;
        Files.deleteIfExists(log.directory().resolve(KeyChainDescriptor.FILE_NAME));
        Files.deleteIfExists(log.directory().resolve(KeyIndexSnapshot.FILE_NAME));
        for (int i = 0; i < 200; i++) {
            append(batch("k" + (i % 7), "v" + i));
        }

        keys = PartitionKeyIndex.open(log, KeyHasher.XXH64, executor);

        assertThat(keys.version(key("k0"))).isEqualTo(28);
        assertThat(values(keys.read(key("k3"), 27, 10))).containsExactly("v192", "v199");
        append(batch("k3", "next"));
        assertThat(keys.version(key("k3"))).isEqualTo(29);
    }

    @Test
    void survivesARestartAndATornChainFile() throws IOException {
        Random random = new Random(5);
        Map<String, List<String>> model = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            String k = "key-" + random.nextInt(20);
            String v = "value-" + i;
            model.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            append(batch(k, v));
        }
        reopen();
        assertMatches(model);

        // Cut the chain file in the middle of an entry and drop the snapshot, as a crash might leave them.
        keys.close();
        keys = null;
        Path chain = log.directory().resolve(KeyChainDescriptor.FILE_NAME);
        Files.delete(log.directory().resolve(KeyIndexSnapshot.FILE_NAME));
        try (FileChannel channel = FileChannel.open(chain, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() / 2 + 3);
        }
        reopen();
        assertMatches(model);
        append(batch("key-1", "after"));
        assertThat(keys.version(key("key-1"))).isEqualTo(model.get("key-1").size());
    }

    @Test
    void retentionHidesDeletedRecordsButKeepsVersions() throws IOException {
        for (int i = 0; i < 100; i++) {
            append(batch("k", "value-" + i + "-".repeat(100)));
        }
        manager.updateConfig(TP, CONFIG.withRetentionBytes(4096));
        manager.applyRetention();
        assertThat(log.logStartOffset()).isGreaterThan(0);

        KeyStreamRead read = keys.read(key("k"), 0, 1000);
        assertThat(read.currentVersion()).isEqualTo(99);
        assertThat(read.records().get(0).version()).isEqualTo((int) log.logStartOffset());
        assertThat(read.records().get(read.records().size() - 1).version()).isEqualTo(99);
        append(batch("k", "more"));
        assertThat(keys.version(key("k"))).isEqualTo(100);
    }

    @Test
    void preconditionUnderTheAppendLockLetsExactlyOneWriterWinEachVersion() throws Exception {
        int writers = 4;
        int appendsPerWriter = 50;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        Map<Integer, String> winners = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            String name = "writer-" + w;
            results.add(pool.submit(() -> {
                start.await();
                int won = 0;
                int attempts = 0;
                while (won < appendsPerWriter && attempts++ < 100_000) {
                    int expected = keys.version(key("agg"));
                    try {
                        log.append(batch("agg", name + ":" + (expected + 1)), FlushMode.NONE, next -> {
                            int current = keys.version(key("agg"));
                            if (current != expected) {
                                throw new IllegalStateException("conflict at " + current);
                            }
                        });
                        assertThat(winners.put(expected + 1, name)).isNull();
                        won++;
                    } catch (IllegalStateException conflict) {
                        // Someone else appended first; read the new version and retry.
                    }
                }
                return won;
            }));
        }
        start.countDown();
        int total = 0;
        for (Future<Integer> result : results) {
            total += result.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(total).isEqualTo(writers * appendsPerWriter);
        KeyStreamRead read = keys.read(key("agg"), 0, 10_000);
        assertThat(read.currentVersion()).isEqualTo(total - 1);
        assertThat(read.records()).hasSize(total);
        for (VersionedRecord record : read.records()) {
            String value = new String(record.record().value(), StandardCharsets.UTF_8);
            assertThat(value).isEqualTo(winners.get(record.version()) + ":" + record.version());
        }
    }

    @Test
    void unavailableOnceClosed() throws IOException {
        keys.close();
        assertThatThrownBy(() -> keys.version(key("a"))).isInstanceOf(KeyIndexUnavailableException.class);
        keys = null;
    }

    private void assertMatches(Map<String, List<String>> model) throws IOException {
        for (Map.Entry<String, List<String>> e : model.entrySet()) {
            KeyStreamRead read = keys.read(key(e.getKey()), 0, 1000);
            assertThat(values(read)).as(e.getKey()).containsExactlyElementsOf(e.getValue());
            assertThat(read.currentVersion()).isEqualTo(e.getValue().size() - 1);
        }
    }

    private void reopen() throws IOException {
        if (keys != null) {
            keys.close();
        }
        manager.close();
        manager = new LogManager(dataDir, LogManagerOptions.DEFAULT);
        log = manager.openOrCreate(TP, CONFIG);
        keys = PartitionKeyIndex.open(log, KeyHasher.XXH64, executor);
    }

    private void append(ByteBuffer batch) throws IOException {
        log.append(batch, FlushMode.NONE);
    }

    /** A batch of (key, value) pairs; a null key makes an unkeyed record. */
    static ByteBuffer batch(String... keysAndValues) {
        RecordBatchBuilder builder = new RecordBatchBuilder();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            builder.add(1000 + i, keysAndValues[i] == null ? null : key(keysAndValues[i]),
                    keysAndValues[i + 1].getBytes(StandardCharsets.UTF_8), List.of());
        }
        return builder.build();
    }

    static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> values(KeyStreamRead read) {
        return read.records().stream().map(r -> new String(r.record().value(), StandardCharsets.UTF_8)).toList();
    }
}
