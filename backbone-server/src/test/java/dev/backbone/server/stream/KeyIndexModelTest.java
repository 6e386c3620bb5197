package dev.backbone.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random runs of a {@link KeyIndex} against a plain map model, with clean reopens and simulated crashes
 * (an index dropped without close, its unflushed entries lost, then caught up from the "log").
 */
class KeyIndexModelTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 1234567})
    void agreesWithAMapModel(long seed) throws IOException {
        runAgainstModel(seed, KeyHasher.XXH64, 200, 3000);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8})
    void staysExactWhenEveryHashCollides(long seed) throws IOException {
        runAgainstModel(seed, (buf, pos, len) -> 42L, 40, 1500);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {9, 10})
    void staysExactWithAFewHashBuckets(long seed) throws IOException {
        runAgainstModel(seed, (buf, pos, len) -> len % 3, 60, 1500);
    }

    private void runAgainstModel(long seed, KeyHasher hasher, int keyPool, int steps) throws IOException {
        String context = "seed " + seed;
        Random random = new Random(seed);
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < keyPool; i++) {
            byte[] key = new byte[random.nextInt(12)];
            random.nextBytes(key);
            if (keys.stream().noneMatch(k -> Arrays.equals(k, key))) {
                keys.add(key);
            }
        }
        // The "log": per offset, the key of the record there, or null for an unkeyed record.
        List<byte[]> log = new ArrayList<>();
        Map<ByteBuffer, List<Long>> model = new HashMap<>();
        KeyIndex index = KeyIndex.open(dir, hasher, 0);
        for (int step = 0; step < steps; step++) {
            int action = random.nextInt(100);
            if (action < 80) {
                long offset = log.size();
                byte[] key = random.nextInt(10) == 0 ? null : keys.get(random.nextInt(keys.size()));
                log.add(key);
                if (key == null) {
                    index.advance(offset + 1);
                } else {
                    List<Long> offsets = model.computeIfAbsent(ByteBuffer.wrap(key), k -> new ArrayList<>());
                    int version = index.add(offset, ByteBuffer.wrap(key), 0, key.length);
                    assertThat(version).as(context + " step " + step).isEqualTo(offsets.size());
                    offsets.add(offset);
                }
                if (random.nextInt(4) == 0) {
                    index.flush();
                }
            } else if (action < 95) {
                index.flush();
                checkKey(index, keys.get(random.nextInt(keys.size())), model, random, context + " step " + step);
            } else if (action < 98) {
                index.close();
                index = KeyIndex.open(dir, hasher, log.size());
                assertThat(index.coveredOffset()).as(context).isEqualTo(log.size());
            } else {
                // A crash: whatever was not flushed is lost, and the log is replayed from the covered offset.
                index = KeyIndex.open(dir, hasher, log.size());
                for (long offset = index.coveredOffset(); offset < log.size(); offset++) {
                    byte[] key = log.get((int) offset);
                    if (key == null) {
                        index.advance(offset + 1);
                    } else {
                        int version = index.add(offset, ByteBuffer.wrap(key), 0, key.length);
                        assertThat(version).as(context + " replaying offset " + offset)
                                .isEqualTo(model.get(ByteBuffer.wrap(key)).indexOf(offset));
                    }
                }
            }
        }
        index.flush();
        for (byte[] key : keys) {
            checkKey(index, key, model, random, context);
        }
        assertThat(index.keyCount()).as(context).isEqualTo(model.size());
        index.close();
    }

    private static void checkKey(KeyIndex index, byte[] key, Map<ByteBuffer, List<Long>> model, Random random,
                                 String context) throws IOException {
        List<Long> expected = model.getOrDefault(ByteBuffer.wrap(key), List.of());
        assertThat(index.version(key)).as(context).isEqualTo(expected.size() - 1);
        Optional<KeyStreamHead> head = index.head(key);
        assertThat(head.isPresent()).as(context).isEqualTo(!expected.isEmpty());
        if (head.isEmpty()) {
            return;
        }
        int fromVersion = random.nextInt(expected.size() + 1);
        List<KeyChainEntry> entries = index.walk(head.get(), fromVersion);
        assertThat(entries).extracting(KeyChainEntry::offset).as(context)
                .containsExactlyElementsOf(expected.subList(fromVersion, expected.size()));
        for (int i = 0; i < entries.size(); i++) {
            assertThat(entries.get(i).version()).as(context).isEqualTo(fromVersion + i);
            assertThat(entries.get(i).key()).as(context).isEqualTo(key);
        }
    }
}
