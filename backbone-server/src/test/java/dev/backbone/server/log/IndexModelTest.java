package dev.backbone.server.log;

import dev.backbone.server.log.io.StorageFiles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Index lookups and timestamp search against simple models, over seeded random data. */
class IndexModelTest {

    @TempDir
    Path dir;

    @Test
    void sparseIndexFloorMatchesTreeMapFloorEntryBeforeAndAfterSealing() throws IOException {
        long seed = Long.getLong("index.seed", System.nanoTime());
        try {
            Random random = new Random(seed);
            for (SparseIndex.Kind kind : SparseIndex.Kind.values()) {
                SparseIndex index = SparseIndex.empty(StorageFiles.real(), kind, dir.resolve("index-" + kind));
                TreeMap<Long, Integer> byKey = new TreeMap<>();
                TreeMap<Integer, Long> byValue = new TreeMap<>();
                long key = random.nextInt(10);
                int value = random.nextInt(10);
                int entries = 1 + random.nextInt(3000);
                for (int i = 0; i < entries; i++) {
                    key += 1 + random.nextInt(kind == SparseIndex.Kind.TIME ? 100_000 : 50);
                    value += 1 + random.nextInt(5000);
                    index.append(key, value);
                    byKey.put(key, value);
                    byValue.put(value, key);
                }
                compare(index.view(), byKey, byValue, random, key + 10, value + 10);
                index.seal(false);
                assertThat(index.isSealed()).isTrue();
                compare(index.view(), byKey, byValue, random, key + 10, value + 10);
                SparseIndex loaded = SparseIndex.load(StorageFiles.real(), kind, dir.resolve("index-" + kind), true);
                compare(loaded.view(), byKey, byValue, random, key + 10, value + 10);
            }
        } catch (AssertionError e) {
            throw new AssertionError("seed " + seed + " (rerun with -Dindex.seed=" + seed + "): " + e.getMessage(), e);
        }
    }

    private static void compare(SparseIndex.View view, TreeMap<Long, Integer> byKey, TreeMap<Integer, Long> byValue,
                                Random random, long maxKey, int maxValue) {
        assertThat(view.size()).isEqualTo(byKey.size());
        for (int probe = 0; probe < 2000; probe++) {
            long key = random.nextLong(maxKey + 1) - 5;
            Map.Entry<Long, Integer> expected = byKey.floorEntry(key);
            int found = view.floorByKey(key);
            if (expected == null) {
                assertThat(found).as("floor of key %d", key).isEqualTo(-1);
            } else {
                assertThat(view.key(found)).as("floor of key %d", key).isEqualTo(expected.getKey());
                assertThat(view.value(found)).isEqualTo(expected.getValue());
            }
            int value = random.nextInt(maxValue + 1) - 5;
            Map.Entry<Integer, Long> expectedByValue = byValue.floorEntry(value);
            int foundByValue = view.floorByValue(value);
            if (expectedByValue == null) {
                assertThat(foundByValue).isEqualTo(-1);
            } else {
                assertThat(view.value(foundByValue)).as("floor of value %d", value).isEqualTo(expectedByValue.getKey());
            }
        }
    }

    /** One stored batch of the model. */
    private record Batch(long baseOffset, long lastOffset, long maxTimestamp) {
    }

    @Test
    void readsAndTimestampSearchMatchAModelAcrossSegmentsAndAReopen() throws IOException {
        long seed = Long.getLong("index.seed", System.nanoTime());
        try {
            Random random = new Random(seed);
            LogConfig config = LogConfig.DEFAULT.withSegmentBytes(3000 + random.nextInt(3000))
                    .withIndexIntervalBytes(1 + random.nextInt(600));
            TopicPartition tp = new TopicPartition("model", 0);
            List<Batch> model = new ArrayList<>();
            try (LogManager manager = new LogManager(dir, LogManagerOptions.DEFAULT)) {
                PartitionLog log = manager.openOrCreate(tp, config);
                long timestamp = 1_000_000;
                for (int i = 0; i < 300; i++) {
                    int records = 1 + random.nextInt(4);
                    String[] values = new String[records];
                    for (int r = 0; r < records; r++) {
                        values[r] = "v".repeat(random.nextInt(60));
                    }
                    // Timestamps mostly rise but jump back now and then, as producers' clocks do.
                    timestamp += random.nextInt(100) - (random.nextInt(10) == 0 ? 400 : 0);
                    AppendResult result = log.append(TestBatches.batch(timestamp, values), FlushMode.NONE);
                    model.add(new Batch(result.firstOffset(), result.lastOffset(), timestamp));
                }
                check(log, model, random);
            }
            try (LogManager manager = new LogManager(dir, LogManagerOptions.DEFAULT)) {
                check(manager.openOrCreate(tp, config), model, random);
            }
        } catch (AssertionError e) {
            throw new AssertionError("seed " + seed + " (rerun with -Dindex.seed=" + seed + "): " + e.getMessage(), e);
        }
    }

    private static void check(PartitionLog log, List<Batch> model, Random random) throws IOException {
        assertThat(log.segmentBaseOffsets().size()).isGreaterThan(2);
        long end = model.get(model.size() - 1).lastOffset() + 1;
        assertThat(log.logEndOffset()).isEqualTo(end);
        for (long offset = 0; offset < end; offset++) {
            LogSlice slice = log.read(offset, 1);
            Batch holding = holding(model, offset);
            assertThat(slice.firstOffset()).as("batch holding %d", offset).isEqualTo(holding.baseOffset());
            assertThat(slice.nextOffset()).isEqualTo(holding.lastOffset() + 1);
        }
        for (int probe = 0; probe < 300; probe++) {
            long offset = random.nextLong(end);
            int maxBytes = random.nextInt(2500);
            LogSlice slice = log.read(offset, maxBytes);
            List<dev.backbone.client.batch.Record> records =
                    dev.backbone.client.batch.RecordBatchDecoder.decodeAll(TestBatches.bytes(slice));
            assertThat(records.get(0).offset()).isEqualTo(holding(model, offset).baseOffset());
            assertThat(records.get(records.size() - 1).offset()).isEqualTo(slice.nextOffset() - 1);
            assertThat(holding(model, slice.nextOffset() - 1).lastOffset()).isEqualTo(slice.nextOffset() - 1);
            for (int i = 0; i < records.size(); i++) {
                assertThat(records.get(i).offset()).isEqualTo(slice.firstOffset() + i);
            }
            Batch first = holding(model, offset);
            if (first.lastOffset() + 1 < slice.nextOffset()) {
                assertThat(slice.sizeBytes()).as("more than one batch only within maxBytes").isLessThanOrEqualTo(maxBytes);
            }
        }
        long minTs = model.stream().mapToLong(Batch::maxTimestamp).min().orElseThrow();
        long maxTs = model.stream().mapToLong(Batch::maxTimestamp).max().orElseThrow();
        for (int probe = 0; probe < 500; probe++) {
            long ts = minTs - 50 + random.nextLong(maxTs - minTs + 100);
            OptionalLong expected = model.stream().filter(b -> b.maxTimestamp() >= ts).mapToLong(Batch::baseOffset)
                    .findFirst();
            assertThat(log.offsetForTimestamp(ts)).as("offset for timestamp %d", ts).isEqualTo(expected);
        }
    }

    private static Batch holding(List<Batch> model, long offset) {
        return model.stream().filter(b -> b.baseOffset() <= offset && offset <= b.lastOffset()).findFirst()
                .orElseThrow();
    }
}
