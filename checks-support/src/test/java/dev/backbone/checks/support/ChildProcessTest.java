package dev.backbone.checks.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void pauseStopsTheProcessResumeContinuesItAndKillEndsIt(@TempDir Path dir) {
        try (ChildProcess process = ChildProcess.start("sleeper", List.of("sleep", "60"), dir.resolve("sleeper.log"))) {
            process.pause();
            awaitState(process, 'T');
            process.resume();
            awaitState(process, 'S');

            process.kill();

            assertThat(process.isAlive()).isFalse();
        }
    }

    @Test
    void closeStopsEvenAPausedProcess(@TempDir Path dir) {
        ChildProcess process = ChildProcess.start("sleeper", List.of("sleep", "60"), dir.resolve("sleeper.log"));
        process.pause();

        process.close();

        assertThat(process.isAlive()).isFalse();
    }

    @Test
    void tailQuotesTheOutputAndTheBuilderKeepsItsDirectory(@TempDir Path dir) throws IOException {
        Path work = Files.createDirectories(dir.resolve("work"));
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", "pwd; echo to stderr >&2").directory(work.toFile());
        try (ChildProcess process = ChildProcess.start("printer", builder, dir.resolve("logs/printer.log"))) {
            String tail = Deadline.await("the printer's output", TIMEOUT,
                    () -> process.isAlive() ? Optional.empty() : Optional.of(process.tail()));

            assertThat(tail).startsWith("printer (pid " + process.pid()).contains(work.toRealPath().toString())
                    .contains("to stderr");
        }
    }

    /** The state letter of /proc/[pid]/stat: R running, S sleeping, T stopped. */
    private static void awaitState(ChildProcess process, char state) {
        Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
        Deadline.await("state " + state + " of " + process.tail(), TIMEOUT, () -> {
            try {
                String text = Files.readString(stat);
                return text.charAt(text.lastIndexOf(')') + 2) == state ? Optional.of(true) : Optional.empty();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
