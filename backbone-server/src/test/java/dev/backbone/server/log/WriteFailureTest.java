package dev.backbone.server.log;

import dev.backbone.client.batch.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real refused write: a child JVM whose file size limit ({@code ulimit -f}, which the JVM turns into
 * "File too large" errors) stands in for a full disk.
 */
class WriteFailureTest {

    /** 256 KiB: 25 batches of about 10 KiB fit, the 26th does not, a 0.5 KiB one still does. */
    private static final int FILE_LIMIT_KIB = 256;

    @TempDir
    Path dataDir;

    @Test
    void aRefusedWriteLeavesTheLogValidForTheNextAppend() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "ulimit -f " + FILE_LIMIT_KIB + " && exec \"$0\" -XX:TieredStopAtLevel=1 -cp \"$1\" "
                + DiskFullAppender.class.getName() + " \"$2\"";
        Process child = new ProcessBuilder("bash", "-c", command, java, System.getProperty("java.class.path"),
                dataDir.toString()).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(output).isZero();

        String refused = line(output, "REFUSED ");
        assertThat(refused).as(output).contains("File too large");
        String[] fields = refused.split(" ");
        long acknowledged = Long.parseLong(fields[1]);
        long sizeAtRefusal = Long.parseLong(fields[2]);
        assertThat(acknowledged).isEqualTo(250);
        assertThat(sizeAtRefusal).isLessThanOrEqualTo(FILE_LIMIT_KIB * 1024L);
        assertThat(line(output, "END ")).isEqualTo("END 250");
        assertThat(line(output, "AFTER ")).startsWith("AFTER 251 ");
        assertThat(output).contains("CLOSED");

        try (LogManager manager = new LogManager(dataDir, LogManagerOptions.DEFAULT)) {
            PartitionLog log = manager.openOrCreate(DiskFullAppender.TP, DiskFullAppender.CONFIG);
            assertThat(log.logEndOffset()).isEqualTo(251);
            Path segment = SegmentFiles.logFile(log.directory(), 0);
            assertThat(Files.size(segment)).isEqualTo(log.sizeBytes());
            List<Record> records = TestBatches.readAll(log, 0, 64 * 1024);
            assertThat(records).hasSize(251);
            for (int i = 0; i < 250; i++) {
                assertThat(records.get(i).offset()).isEqualTo(i);
                assertThat(records.get(i).value()).hasSize(1000);
                assertThat(records.get(i).value()[0]).isEqualTo((byte) (i % 10));
            }
            assertThat(records.get(250).value()).hasSize(500);
            assertThat(log.append(TestBatches.batch(1, "no limit now"), FlushMode.SYNC).firstOffset()).isEqualTo(251);
        }
    }

    private static String line(String output, String prefix) throws IOException {
        return output.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new IOException("no line starting with " + prefix + " in:\n" + output));
    }
}
