package dev.backbone.deploy.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child process under test, its output going to a log file that failures quote. {@link #close()} asks it to stop
 * (SIGTERM) and kills it (SIGKILL) if it has not stopped within ten seconds; {@link #kill()} is the crash.
 *
 * <p>Thread safety: not thread-safe; one test drives it.
 */
public final class RunningProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private RunningProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code builder}, with stdout and stderr appended to {@code log}. */
    public static RunningProcess start(String name, ProcessBuilder builder, Path log) {
        try {
            Files.createDirectories(log.getParent());
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            return new RunningProcess(name, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + ": " + builder.command(), e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** The last lines of the process's output, for assertion messages. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return name + " (pid " + process.pid() + ", log " + log + "), last lines:\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return name + ": log " + log + " unreadable: " + e;
        }
    }

    /** SIGKILL, and waits until the process is gone: what a crash or the OOM killer does. */
    public void kill() {
        process.destroyForcibly();
        waitFor(10);
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!waitFor(10)) {
            process.destroyForcibly();
            waitFor(10);
        }
    }

    private boolean waitFor(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
