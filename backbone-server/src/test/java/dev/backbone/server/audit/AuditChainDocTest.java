package dev.backbone.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogConfig;
import dev.backbone.server.log.LogManager;
import dev.backbone.server.log.LogManagerOptions;
import dev.backbone.server.log.LogSlice;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the verification program printed in docs/AUDIT-CHAIN.md, as printed, against partitions the engine wrote,
 * so the document cannot drift from the files: it must accept an intact partition with the broker's own head,
 * and name the batch where a tampered one breaks.
 */
class AuditChainDocTest {

    private static final Path DOC = Path.of("..", "docs", "AUDIT-CHAIN.md");
    private static final TopicPartition TP = new TopicPartition("doc", 0);

    @TempDir
    Path dataDir;
    @TempDir
    Path scriptDir;

    private Path script;

    @BeforeEach
    void extractProgram() throws Exception {
        Assumptions.assumeTrue(pythonAvailable(), "python3 is not installed");
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        Matcher block = Pattern.compile("```python\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(block.find()).as("a python block in %s", DOC).isTrue();
        script = Files.writeString(scriptDir.resolve("verify_chain.py"), block.group(1));
    }

    @Test
    void theDocumentedProgramAgreesWithTheBroker() throws Exception {
        try (LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT.withFileDeleteDelay(Duration.ZERO))) {
            PartitionLog log = manager.openOrCreate(TP, LogConfig.DEFAULT.withSegmentBytes(4096));
            try (PartitionChain chain = PartitionChain.attach(log, Runnable::run)) {
                append(log, 60);
                manager.updateConfig(TP, LogConfig.DEFAULT.withSegmentBytes(4096).withRetentionBytes(12 * 1024));
                assertThat(manager.applyRetention()).as("retention leaves an anchor to start from").isPositive();
                append(log, 10);
                ChainHead head = chain.head();

                Result intact = run(log.directory());
                assertThat(intact.exit()).as(intact.output()).isZero();
                assertThat(intact.output()).contains("valid: " + head.batches() + " batches, head offset "
                        + head.offset() + ", hash " + head.link().hex());

                LogSlice victim = log.read(log.logStartOffset() + 25, 1);
                FileLogFixture.flipBit(victim.segmentFile(), victim.position() + victim.sizeBytes() - 2, 5);
                Result tampered = run(log.directory());
                assertThat(tampered.exit()).isNotZero();
                assertThat(tampered.output()).contains("broken at offset " + victim.firstOffset());
                assertThat(chain.verify(null).brokenAtOffset()).isEqualTo(victim.firstOffset());
            }
        }
    }

    private static void append(PartitionLog log, int appends) throws IOException {
        Random random = new Random(appends);
        for (int i = 0; i < appends; i++) {
            RecordBatchBuilder builder = new RecordBatchBuilder();
            for (int r = 0, n = 1 + random.nextInt(3); r < n; r++) {
                byte[] value = new byte[50 + random.nextInt(200)];
                random.nextBytes(value);
                builder.add(1_700_000_000_000L + i, null, value, List.of());
            }
            log.append(builder.build(), FlushMode.NONE);
        }
    }

    private record Result(int exit, String output) {
    }

    private Result run(Path directory) throws Exception {
        Process process = new ProcessBuilder("python3", script.toString(), directory.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private static boolean pythonAvailable() {
        try {
            Process process = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
