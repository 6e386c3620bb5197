package dev.backbone.server.http.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.server.log.AppendPrecondition;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogConfig;
import dev.backbone.server.log.LogManager;
import dev.backbone.server.log.LogManagerOptions;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TestClock;
import dev.backbone.server.log.TopicPartition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The journal on a real log in a temporary directory: answers kept by one "run" of the broker are read back by the
 * next, as the types they were, and only within the window.
 */
class IdempotencyJournalTest {

    /** An answer type as the produce endpoints have: a record of a list of records. */
    record Offsets(List<Offset> offsets) {
    }

    record Offset(int partition, long offset) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration WINDOW = Duration.ofMinutes(10);
    private static final TopicPartition JOURNAL = new TopicPartition(IdempotencyJournal.TOPIC, 0);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dataDir;

    private final TestClock wall = new TestClock(1_764_650_000_000L);
    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final AtomicInteger runs = new AtomicInteger();
    private LogManager manager;

    @AfterEach
    void close() throws IOException {
        if (manager != null) {
            manager.close();
        }
    }

    @Test
    void answersKeptByOneRunAreReplayedByTheNext() throws IOException {
        IdempotencyCache first = openCache();
        Offsets answer = new Offsets(List.of(new Offset(0, 41), new Offset(2, 7)));
        assertThat(first.execute("orders", "k-1", digest("body-1"), () -> produce(answer)).block(TIMEOUT))
                .isEqualTo(new IdempotencyCache.Outcome<>(answer, false));
        first.execute("orders", "k-2", digest("body-2"), () -> produce("not a kept type")).block(TIMEOUT);
        first.execute("payments", "k-1", digest("body-3"), () -> produce(new Offsets(List.of()))).block(TIMEOUT);
        restart();

        wall.advance(60_000);
        IdempotencyCache second = openCache();
        assertThat(second.execute("orders", "k-1", digest("body-1"), () -> produce(new Offsets(List.of())))
                .block(TIMEOUT)).isEqualTo(new IdempotencyCache.Outcome<>(answer, true));
        assertThatThrownBy(() -> second.execute("orders", "k-1", digest("another body"),
                () -> produce(answer)).block(TIMEOUT)).isInstanceOf(IdempotencyKeyReusedException.class);
        assertThat(second.execute("payments", "k-1", digest("body-3"), () -> produce(answer)).block(TIMEOUT))
                .isEqualTo(new IdempotencyCache.Outcome<>(new Offsets(List.of()), true));
        // Not a kept type: remembered in memory only, so after the restart it runs again.
        assertThat(second.execute("orders", "k-2", digest("body-2"), () -> produce("again")).block(TIMEOUT))
                .isEqualTo(new IdempotencyCache.Outcome<>("again", false));
        assertThat(runs).hasValue(4);
    }

    @Test
    void aRestoredKeyExpiresWhenItsWindowEndsNotAWindowAfterTheRestart() throws IOException {
        IdempotencyCache first = openCache();
        first.execute("orders", "k", digest("body"), () -> produce(new Offsets(List.of(new Offset(0, 1)))))
                .block(TIMEOUT);
        restart();

        wall.advance(WINDOW.toMillis() - 1_000);
        IdempotencyCache second = openCache();
        assertThat(second.size()).isEqualTo(1);
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        wall.advance(2_000);
        assertThat(second.size()).isZero();
        restart();

        IdempotencyCache third = openCache();
        assertThat(third.size()).as("older than the window when read back").isZero();
        assertThat(third.execute("orders", "k", digest("body"), () -> produce(new Offsets(List.of()))).block(TIMEOUT)
                .replayed()).isFalse();
    }

    @Test
    void streamAnswersAreKeptAsTheirBytesAndTooLargeOnesAsNotKept() throws IOException {
        IdempotencyCache first = openCache();
        byte[] lines = "{\"partition\":0,\"offset\":0}\n{\"partition\":0,\"offset\":1}\n"
                .getBytes(StandardCharsets.UTF_8);
        IdempotencyCache.StreamDigest small = new IdempotencyCache.StreamDigest(40, digest("lines"), true);
        IdempotencyCache.StreamDigest large = new IdempotencyCache.StreamDigest(1 << 30, digest("many"), false);
        first.claimStream("orders", "s-small").complete(small, lines);
        first.claimStream("orders", "s-huge").complete(large,
                new byte[IdempotencyJournal.MAX_STREAM_ANSWER_BYTES + 1]);
        first.claimStream("orders", "s-not-kept").complete(large, IdempotencyCache.STREAM_ANSWER_NOT_KEPT);
        restart();

        IdempotencyCache second = openCache();
        IdempotencyCache.StreamClaim retry = second.claimStream("orders", "s-small");
        assertThat(retry.owner()).isFalse();
        IdempotencyCache.Original original = retry.original().block(TIMEOUT);
        assertThat(original.isStream()).isTrue();
        assertThat(original.stream().length()).isEqualTo(40);
        assertThat(original.stream().wholeBody()).isTrue();
        assertThat(original.stream().digest()).isEqualTo(small.digest());
        assertThat((byte[]) original.answer()).isEqualTo(lines);
        for (String key : new String[] {"s-huge", "s-not-kept"}) {
            IdempotencyCache.StreamClaim claim = second.claimStream("orders", key);
            assertThat(claim.owner()).isFalse();
            IdempotencyCache.Original kept = claim.original().block(TIMEOUT);
            assertThat(kept.answer()).isSameAs(IdempotencyCache.STREAM_ANSWER_NOT_KEPT);
            assertThat(kept.stream().wholeBody()).isFalse();
        }
        // A whole-body request under a stream's key is another request.
        assertThatThrownBy(() -> second.execute("orders", "s-small", digest("lines"),
                () -> produce(new Offsets(List.of()))).block(TIMEOUT))
                .isInstanceOf(IdempotencyKeyReusedException.class);
    }

    @Test
    void anUnreadableRecordCostsOneKeyNotTheStart() throws IOException {
        IdempotencyCache first = openCache();
        first.execute("orders", "good", digest("body"), () -> produce(new Offsets(List.of(new Offset(0, 3)))))
                .block(TIMEOUT);
        journalLog().append(new RecordBatchBuilder().add(wall.millis(), null,
                "{not json".getBytes(StandardCharsets.UTF_8)).add(wall.millis(), "tombstone".getBytes(
                StandardCharsets.UTF_8), null).build(), FlushMode.NONE, AppendPrecondition.NONE);
        restart();

        IdempotencyCache second = openCache();
        assertThat(second.size()).isEqualTo(1);
        assertThat(second.execute("orders", "good", digest("body"), () -> produce(new Offsets(List.of())))
                .block(TIMEOUT).replayed()).isTrue();
    }

    private IdempotencyCache openCache() throws IOException {
        if (manager == null) {
            manager = new LogManager(dataDir, LogManagerOptions.DEFAULT);
        }
        PartitionLog log = journalLog();
        IdempotencyJournal journal = new IdempotencyJournal(log, JSON, wall, Map.of("offsets", Offsets.class));
        IdempotencyCache cache = new IdempotencyCache(WINDOW, 100, nanos::get, journal);
        journal.restoreInto(cache);
        return cache;
    }

    private PartitionLog journalLog() throws IOException {
        return manager.openOrCreate(JOURNAL, LogConfig.DEFAULT);
    }

    private void restart() throws IOException {
        manager.close();
        manager = null;
    }

    private <T> Mono<T> produce(T answer) {
        return Mono.fromCallable(() -> {
            runs.incrementAndGet();
            return answer;
        });
    }

    private static byte[] digest(String body) {
        return RequestDigest.of("POST /v1/topics/orders/records application/json",
                body.getBytes(StandardCharsets.UTF_8));
    }
}
