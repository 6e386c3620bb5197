package dev.backbone.server.http.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogConfig;
import dev.backbone.server.log.LogManager;
import dev.backbone.server.log.LogManagerOptions;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;

class IdempotentBatchAppenderTest {

    private static final TopicPartition TP = new TopicPartition("orders", 0);

    @TempDir
    Path dataDir;

    private LogManager manager;
    private PartitionLog log;
    private IdempotentBatchAppender appender = new IdempotentBatchAppender(1000);

    @BeforeEach
    void open() throws IOException {
        manager = new LogManager(dataDir, LogManagerOptions.DEFAULT);
        log = manager.openOrCreate(TP, LogConfig.DEFAULT);
    }

    @AfterEach
    void close() throws IOException {
        manager.close();
    }

    @Test
    void aRetriedBatchIsAnsweredWithItsOriginalOffsetAndNotAppended() throws IOException {
        log.append(batch(-1, 0, "plain"), FlushMode.NONE);
        IdempotentBatchAppender.Result first = appender.append(log, batch(42, 0, "a", "b"), FlushMode.NONE).join();
        IdempotentBatchAppender.Result retry = appender.append(log, batch(42, 0, "a", "b"), FlushMode.SYNC).join();

        assertThat(first.duplicate()).isFalse();
        assertThat(first.batchBaseOffsets()).containsExactly(1L);
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.batchBaseOffsets()).containsExactly(1L);
        assertThat(retry.appended().firstOffset()).isEqualTo(1L);
        assertThat(retry.appended().lastOffset()).isEqualTo(2L);
        assertThat(retry.appended().recordCount()).isEqualTo(2);
        assertThat(log.logEndOffset()).isEqualTo(3);

        assertThat(appender.append(log, batch(42, 2, "c"), FlushMode.NONE).join().batchBaseOffsets()).containsExactly(3L);
        assertThatThrownBy(() -> appender.append(log, batch(42, 5, "d"), FlushMode.NONE).join())
                .isInstanceOf(OutOfOrderSequenceException.class).hasMessageContaining("expected sequence 3, got 5");
        assertThat(log.logEndOffset()).isEqualTo(4);
    }

    @Test
    void concurrentCopiesOfOneBatchAreAppendedOnce() throws Exception {
        appender.append(log, batch(7, 0, "x"), FlushMode.NONE).join();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<IdempotentBatchAppender.Result>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Callable<IdempotentBatchAppender.Result> send = () -> appender.append(log, batch(7, 1, "y"), FlushMode.NONE).join();
                results.add(pool.submit(send));
            }
            int fresh = 0;
            for (Future<IdempotentBatchAppender.Result> result : results) {
                IdempotentBatchAppender.Result r = result.get(10, TimeUnit.SECONDS);
                fresh += r.duplicate() ? 0 : 1;
                assertThat(r.batchBaseOffsets()).containsExactly(1L);
            }
            assertThat(fresh).isEqualTo(1);
            assertThat(log.logEndOffset()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void stateIsRebuiltFromTheActiveSegmentAfterARestart() throws IOException {
        appender.append(log, batch(42, 0, "a"), FlushMode.NONE).join();
        appender.append(log, batch(42, 1, "b", "c"), FlushMode.NONE).join();
        manager.close();

        manager = new LogManager(dataDir, LogManagerOptions.DEFAULT);
        log = manager.openOrCreate(TP, LogConfig.DEFAULT);
        appender = new IdempotentBatchAppender(1000);

        IdempotentBatchAppender.Result retry = appender.append(log, batch(42, 1, "b", "c"), FlushMode.NONE).join();
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.batchBaseOffsets()).containsExactly(1L);
        assertThatThrownBy(() -> appender.append(log, batch(42, 4, "e"), FlushMode.NONE).join())
                .isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(appender.append(log, batch(42, 3, "d"), FlushMode.NONE).join().batchBaseOffsets()).containsExactly(3L);
    }

    @Test
    void appendsByOtherPathsAreSeenByTheObserver() throws IOException {
        appender.append(log, batch(42, 0, "a"), FlushMode.NONE).join();
        log.append(batch(42, 1, "b"), FlushMode.NONE);
        assertThat(appender.append(log, batch(42, 1, "b"), FlushMode.NONE).join().duplicate()).isTrue();
    }

    @Test
    void aDeletedTopicsStateIsForgotten() throws IOException {
        appender.append(log, batch(42, 0, "a"), FlushMode.NONE).join();
        assertThat(appender.partitionsTracked()).isEqualTo(1);
        appender.forgetTopic("other");
        assertThat(appender.partitionsTracked()).isEqualTo(1);
        appender.forgetTopic("orders");
        assertThat(appender.partitionsTracked()).isZero();
    }

    private static ByteBuffer batch(long producerId, int baseSequence, String... values) {
        RecordBatchBuilder builder = new RecordBatchBuilder();
        if (producerId >= 0) {
            builder.producer(producerId, (short) 0, baseSequence);
        }
        for (String value : values) {
            builder.add(1_000L, null, value.getBytes(StandardCharsets.UTF_8), List.of());
        }
        return builder.build();
    }
}
