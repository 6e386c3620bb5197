package dev.backbone.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.backbone.server.log.AppendResult;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogConfig;
import dev.backbone.server.log.LogManager;
import dev.backbone.server.log.LogManagerOptions;
import dev.backbone.server.log.LogSlice;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chain attached to the real storage engine: appends, rolls, retention, restart, damage. */
class EngineChainTest {

    private static final TopicPartition TP = new TopicPartition("audited", 0);
    private static final LogConfig CONFIG = LogConfig.DEFAULT.withSegmentBytes(8 * 1024).withIndexIntervalBytes(512);
    private static final LogManagerOptions OPTIONS = LogManagerOptions.DEFAULT
            .withRetentionCheckInterval(Duration.ofHours(1)).withFileDeleteDelay(Duration.ZERO);

    @TempDir
    Path dataDir;

    private LogManager manager;
    private PartitionLog log;
    private PartitionChain chain;
    private final Random random = new Random(5);

    @BeforeEach
    void open() throws IOException {
        openAll(CONFIG);
    }

    @AfterEach
    void closeAll() throws IOException {
        if (chain != null) {
            chain.close();
        }
        if (manager != null) {
            manager.close();
        }
    }

    private void openAll(LogConfig config) throws IOException {
        manager = new LogManager(dataDir, OPTIONS);
        log = manager.openOrCreate(TP, config);
        chain = PartitionChain.attach(log, Runnable::run);
    }

    private void restart() throws IOException {
        chain.close();
        manager.close();
        openAll(CONFIG);
    }

    private List<AppendResult> appendBatches(int appends) throws IOException {
        List<AppendResult> results = new ArrayList<>();
        for (int i = 0; i < appends; i++) {
            List<ByteBuffer> batches = new ArrayList<>();
            for (int b = 0, n = 1 + random.nextInt(2); b < n; b++) {
                byte[][] values = new byte[1 + random.nextInt(4)][];
                for (int r = 0; r < values.length; r++) {
                    values[r] = new byte[20 + random.nextInt(300)];
                    random.nextBytes(values[r]);
                }
                batches.add(TestBatches.batch(System.currentTimeMillis(), values));
            }
            results.add(log.append(dev.backbone.client.batch.RecordBatchBuilder.concat(batches),
                    i % 7 == 0 ? FlushMode.SYNC : FlushMode.NONE));
        }
        return results;
    }

    @Test
    void everyAppendIsChainedAcrossRollsAsThePlainDefinitionSays() throws Exception {
        List<AppendResult> results = appendBatches(150);

        assertThat(log.segmentBaseOffsets()).hasSizeGreaterThan(4);
        ChainHead head = chain.head();
        assertThat(head.offset()).isEqualTo(results.get(results.size() - 1).lastOffset());
        assertThat(PlainChainModel.of(head)).isEqualTo(PlainChainModel.head(log.directory()));
        ChainVerification result = chain.verify(null);
        assertThat(result.valid()).as("%s", result).isTrue();
        assertThat(result.head()).isEqualTo(head);
        assertThat(ChainVerifierOffline.verify(log.directory()).valid()).isTrue();
    }

    @Test
    void aChangedByteInASegmentFileIsReportedAtItsBatch() throws Exception {
        appendBatches(80);
        long victimOffset = log.logEndOffset() / 2;
        LogSlice slice = log.read(victimOffset, 1);
        long position = slice.position() + 61 + random.nextInt(slice.sizeBytes() - 61);

        FileLogFixture.flipBit(slice.segmentFile(), position, 3);

        ChainVerification result = chain.verify(null);
        assertThat(result.valid()).isFalse();
        assertThat(result.reason()).isEqualTo(ChainBreak.LINK_MISMATCH);
        assertThat(result.brokenAtOffset()).isEqualTo(slice.firstOffset());
    }

    @Test
    void retentionKeepsTheChainVerifiableFromTheNewStart() throws Exception {
        appendBatches(150);
        ChainHead before = chain.head();
        manager.updateConfig(TP, CONFIG.withRetentionBytes(20 * 1024));

        assertThat(manager.applyRetention()).isPositive();

        assertThat(log.logStartOffset()).isPositive();
        ChainAnchor anchor = ChainAnchor.read(log.directory()).orElseThrow();
        assertThat(anchor.nextOffset()).isEqualTo(log.logStartOffset());
        try (var files = Files.list(log.directory())) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".chain")).count())
                    .isEqualTo(log.segmentBaseOffsets().size());
        }
        ChainHead after = chain.head();
        assertThat(after.link()).isEqualTo(before.link());
        assertThat(after.batches()).isLessThan(before.batches());
        ChainVerification result = chain.verify(new ChainClaim(before.offset(), before.link()));
        assertThat(result.valid()).as("%s", result).isTrue();
        assertThat(result.claim()).isEqualTo(ChainClaim.Outcome.MATCHED);
        assertThat(PlainChainModel.of(after)).isEqualTo(PlainChainModel.head(log.directory()));

        restart();
        assertThat(chain.head()).isEqualTo(after);
        appendBatches(10);
        assertThat(chain.verify(null).valid()).isTrue();
    }

    @Test
    void restartKeepsTheChainAndItGrowsOn() throws Exception {
        appendBatches(60);
        ChainHead head = chain.head();

        restart();

        assertThat(chain.head()).isEqualTo(head);
        appendBatches(60);
        assertThat(chain.verify(null).valid()).isTrue();
        assertThat(PlainChainModel.of(chain.head())).isEqualTo(PlainChainModel.head(log.directory()));
    }

    @Test
    void appendsMadeBeforeTheChainWasAttachedAreChainedOnAttach() throws Exception {
        chain.close();
        log.removeAppendObserver(chain);
        appendBatches(40);

        chain = PartitionChain.attach(log, Runnable::run);

        assertThat(chain.head().offset()).isEqualTo(log.logEndOffset() - 1);
        assertThat(chain.verify(null).valid()).isTrue();
    }

    @Test
    void verificationRacingAppendsAndRetentionStaysValid() throws Exception {
        manager.updateConfig(TP, CONFIG.withRetentionBytes(24 * 1024));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        AtomicBoolean stop = new AtomicBoolean();
        try {
            Future<?> appender = pool.submit(() -> {
                for (int i = 0; i < 400 && !stop.get(); i++) {
                    log.append(TestBatches.batch(System.currentTimeMillis(), new byte[200], new byte[100]),
                            FlushMode.NONE);
                }
                return null;
            });
            Future<?> retention = pool.submit(() -> {
                for (int i = 0; i < 200 && !appender.isDone(); i++) {
                    manager.applyRetention();
                    Thread.sleep(1);
                }
                return null;
            });
            int verifications = 0;
            while (!appender.isDone() && verifications < 500) {
                ChainVerification result = chain.verify(null);
                assertThat(result.valid()).as("verification %d: %s", verifications, result).isTrue();
                verifications++;
            }
            appender.get(60, TimeUnit.SECONDS);
            retention.get(60, TimeUnit.SECONDS);
            assertThat(verifications).isPositive();
            assertThat(log.logStartOffset()).as("retention deleted segments meanwhile").isPositive();
        } finally {
            stop.set(true);
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        ChainVerification result = chain.verify(null);
        assertThat(result.valid()).as("%s", result).isTrue();
        assertThat(result.head().offset()).isEqualTo(log.logEndOffset() - 1);
    }
}
