package dev.backbone.checks.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child process under test, its output appended to a log file that failures quote. {@link #kill()} is the crash
 * (SIGKILL), {@link #pause()} and {@link #resume()} freeze and thaw it (SIGSTOP, SIGCONT: a long GC pause or a VM
 * stall, the process keeps its sockets), {@link #close()} asks it to stop (SIGTERM) and kills it if it has not
 * stopped within ten seconds.
 *
 * <p>Thread safety: the signal methods may be called from any thread; the process is one operating system process.
 */
public final class ChildProcess implements AutoCloseable {

    private static final long STOP_SECONDS = 10;

    private final String name;
    private final Process process;
    private final Path log;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command}, with stdout and stderr appended to {@code log}. */
    public static ChildProcess start(String name, List<String> command, Path log) {
        return start(name, new ProcessBuilder(command), log);
    }

    /**
     * Starts {@code builder} (its command, directory and environment), with stdout and stderr appended to
     * {@code log} and stdin closed.
     */
    public static ChildProcess start(String name, ProcessBuilder builder, Path log) {
        try {
            Files.createDirectories(log.getParent());
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Process process = builder.start();
            process.getOutputStream().close();
            return new ChildProcess(name, process, log);
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

    public Path log() {
        return log;
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
        if (!waitFor(STOP_SECONDS)) {
            throw new IllegalStateException(name + " (pid " + pid() + ") still alive " + STOP_SECONDS
                    + " s after SIGKILL");
        }
    }

    /** SIGSTOP: the process stops running but keeps its sockets open, so peers see a silent node. */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        if (process.isAlive()) {
            Commands.check("kill", "-" + signal, Long.toString(process.pid()));
        }
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        // A stopped process does not act on SIGTERM until it runs again.
        signal("CONT");
        process.destroy();
        if (!waitFor(STOP_SECONDS)) {
            process.destroyForcibly();
            waitFor(STOP_SECONDS);
        }
    }

    private boolean waitFor(long seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
