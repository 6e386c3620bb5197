package dev.backbone.server.log;

import dev.backbone.client.batch.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class GroupCommitTest {

    private static final int THREADS = 32;
    private static final int APPENDS_PER_THREAD = 40;

    @TempDir
    Path dataDir;

    @Test
    void concurrentSyncAppendersShareFsyncsAndEveryAckIsDurableAndVisible() throws Exception {
        try (LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT)) {
            LocalPartitionLog log = (LocalPartitionLog) manager.openOrCreate(new TopicPartition("sync", 0),
                    LogConfig.DEFAULT.withSegmentBytes(64 * 1024).withFlushMode(FlushMode.SYNC));
            Map<Long, String> acknowledged = new ConcurrentHashMap<>();
            AtomicBoolean done = new AtomicBoolean();
            List<String> violations = new ArrayList<>();
            Thread watcher = new Thread(() -> {
                // Readers must never see SYNC data that is not yet durable.
                while (!done.get()) {
                    long visible = log.logEndOffset();
                    long durable = log.recoveryPoint();
                    if (visible > durable) {
                        synchronized (violations) {
                            violations.add("visible " + visible + " > durable " + durable);
                        }
                    }
                    Thread.onSpinWait();
                }
            });
            watcher.start();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            long flushesBefore = log.flushCount();
            java.util.concurrent.atomic.AtomicLong heardOffsets = new java.util.concurrent.atomic.AtomicLong();
            manager.addFlushListener((tp, nanos, covered) -> {
                assertThat(tp).isEqualTo(log.topicPartition());
                assertThat(nanos).isPositive();
                heardOffsets.addAndGet(covered);
            });
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < APPENDS_PER_THREAD; i++) {
                        String value = "t" + thread + "-" + i;
                        AppendResult result = log.append(TestBatches.batch(i, value), FlushMode.SYNC);
                        assertThat(log.recoveryPoint()).as("durable at ack").isGreaterThan(result.lastOffset());
                        assertThat(log.logEndOffset()).as("visible at ack").isGreaterThan(result.lastOffset());
                        acknowledged.put(result.firstOffset(), value);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            done.set(true);
            watcher.join();
            long flushes = log.flushCount() - flushesBefore;
            int appends = THREADS * APPENDS_PER_THREAD;
            System.out.println("GroupCommitTest: " + appends + " SYNC appends from " + THREADS + " threads took "
                    + flushes + " fsyncs");

            assertThat(violations).isEmpty();
            assertThat(log.logEndOffset()).isEqualTo(appends);
            assertThat(heardOffsets.get()).as("flush listener saw every durable offset").isEqualTo(appends);
            assertThat(flushes).as("fsyncs shared between appenders").isLessThan(appends);
            List<Record> records = TestBatches.readAll(log, 0, 1 << 16);
            assertThat(records).hasSize(appends);
            for (Record record : records) {
                assertThat(TestBatches.text(record)).isEqualTo(acknowledged.get(record.offset()));
            }
        }
    }

    /** One thread keeps 64 appends in flight, as an event loop would: each completes only once durable. */
    @Test
    void asynchronousSyncAppendsCompleteOnlyOnceDurableAndShareFsyncs() throws Exception {
        try (LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT)) {
            LocalPartitionLog log = (LocalPartitionLog) manager.openOrCreate(new TopicPartition("async", 0),
                    LogConfig.DEFAULT.withSegmentBytes(64 * 1024).withFlushMode(FlushMode.SYNC));
            int appends = 2_000;
            Semaphore inFlight = new Semaphore(64);
            Map<Long, String> acknowledged = new ConcurrentHashMap<>();
            List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
            long flushesBefore = log.flushCount();
            for (int i = 0; i < appends; i++) {
                assertThat(inFlight.tryAcquire(60, TimeUnit.SECONDS)).as("an append in flight completes").isTrue();
                String value = "async-" + i;
                CompletableFuture<AppendResult> future = log.appendAsync(TestBatches.batch(i, value), FlushMode.SYNC,
                        AppendPrecondition.NONE);
                futures.add(future.whenComplete((result, error) -> {
                    inFlight.release();
                    if (error != null) {
                        violations.add("append failed: " + error);
                        return;
                    }
                    if (log.recoveryPoint() <= result.lastOffset()) {
                        violations.add("offset " + result.lastOffset() + " acknowledged before it was durable");
                    }
                    if (log.logEndOffset() <= result.lastOffset()) {
                        violations.add("offset " + result.lastOffset() + " acknowledged before it was visible");
                    }
                    acknowledged.put(result.firstOffset(), value);
                }));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            long flushes = log.flushCount() - flushesBefore;

            assertThat(violations).isEmpty();
            assertThat(acknowledged).hasSize(appends);
            assertThat(flushes).as("fsyncs shared between in-flight appends").isLessThan(appends);
            List<Record> records = TestBatches.readAll(log, 0, 1 << 16);
            assertThat(records).hasSize(appends);
            for (Record record : records) {
                assertThat(TestBatches.text(record)).isEqualTo(acknowledged.get(record.offset()));
            }
            assertThat(log.appendAsync(TestBatches.batch(0, "none"), FlushMode.NONE, AppendPrecondition.NONE))
                    .as("a NONE append is acknowledged when written").isCompleted();
        }
    }

    @Test
    void noneAppendsAfterAPendingSyncAppendBecomeVisibleOnlyWithItsFsync() throws Exception {
        try (LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT)) {
            LocalPartitionLog log = (LocalPartitionLog) manager.openOrCreate(new TopicPartition("mixed", 0),
                    LogConfig.DEFAULT);
            AtomicBoolean done = new AtomicBoolean();
            List<String> violations = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                FlushMode mode = t % 2 == 0 ? FlushMode.SYNC : FlushMode.NONE;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        AppendResult result = log.append(TestBatches.batch(i, "v" + i), mode);
                        if (mode == FlushMode.SYNC && log.recoveryPoint() <= result.lastOffset()) {
                            synchronized (violations) {
                                violations.add("SYNC ack of " + result.lastOffset() + " before it was durable");
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            done.set(true);
            assertThat(violations).isEmpty();
            // Every append was acknowledged, so everything is visible now (the last fsync covered the NONE tail).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (log.logEndOffset() < 800 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(log.logEndOffset()).isEqualTo(800);
            assertThat(TestBatches.readAll(log, 0, 1 << 16)).hasSize(800);
        }
    }
    @Test
    void aNoneAppendBehindAnUnsyncedSyncAppendIsAcknowledgedAtOnceButHiddenUntilTheFsync() throws Exception {
        try (LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT)) {
            PartitionLog log = manager.openOrCreate(new TopicPartition("rule", 0), LogConfig.DEFAULT);
            CountDownLatch flusherStalled = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            // The first fsync's listener holds the flusher thread, so the next SYNC append stays unsynced.
            manager.addFlushListener((tp, nanos, covered) -> {
                if (flusherStalled.getCount() > 0) {
                    flusherStalled.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<AppendResult> first = pool.submit(() -> log.append(TestBatches.batch(1, "s0"), FlushMode.SYNC));
                assertThat(flusherStalled.await(30, TimeUnit.SECONDS)).isTrue();
                Future<AppendResult> second = pool.submit(() -> log.append(TestBatches.batch(2, "s1"), FlushMode.SYNC));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (log.sizeBytes() < 2L * TestBatches.batch(1, "s0").remaining() && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }

                AppendResult none = log.append(TestBatches.batch(3, "n2"), FlushMode.NONE);

                assertThat(none.firstOffset()).isEqualTo(2);
                assertThat(first.isDone()).isFalse();
                assertThat(second.isDone()).isFalse();
                assertThat(log.logEndOffset()).as("nothing visible before its fsync").isZero();
                assertThat(log.read(0, 1000).isEmpty()).isTrue();

                release.countDown();
                assertThat(first.get(30, TimeUnit.SECONDS).firstOffset()).isZero();
                assertThat(second.get(30, TimeUnit.SECONDS).firstOffset()).isEqualTo(1);
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (log.logEndOffset() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertThat(log.logEndOffset()).as("the NONE tail became visible with the next fsync").isEqualTo(3);
                assertThat(TestBatches.readAll(log, 0, 1000)).extracting(TestBatches::text)
                        .containsExactly("s0", "s1", "n2");
            } finally {
                release.countDown();
                pool.shutdown();
            }
        }
    }
}
