package dev.backbone.checks.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short command ({@code ip}, {@code kill}, {@code promtool}, a documented shell walkthrough) to completion,
 * bounded in time, and returns its exit code and output.
 *
 * <p>Thread safety: stateless.
 */
public final class Commands {

    /** Long enough for the slowest of them, a walkthrough script that builds and starts things. */
    private static final long TIMEOUT_SECONDS = 120;

    /** What a finished command gave back. */
    public record Result(List<String> command, int exitCode, String output) {

        public boolean succeeded() {
            return exitCode == 0;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " -> exit " + exitCode
                    + (output.isBlank() ? "" : ":\n" + output.strip());
        }
    }

    private Commands() {
    }

    /** Runs {@code command} in this process's working directory and returns its result, whatever the exit code. */
    public static Result run(List<String> command) {
        return run(new ProcessBuilder(command));
    }

    /** Runs {@code command} in {@code dir} and returns its result, whatever the exit code. */
    public static Result run(Path dir, List<String> command) {
        return run(new ProcessBuilder(command).directory(dir.toFile()));
    }

    /** Runs {@code command} and fails with its output unless it exits 0. */
    public static String check(String... command) {
        Result result = run(List.of(command));
        if (!result.succeeded()) {
            throw new IllegalStateException("Command failed: " + result);
        }
        return result.output();
    }

    private static Result run(ProcessBuilder builder) {
        List<String> command = builder.command();
        try {
            Process process = builder.redirectErrorStream(true).start();
            process.getOutputStream().close();
            // Every command here prints little; reading to the end before waiting cannot deadlock on a full pipe.
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("Did not finish within " + TIMEOUT_SECONDS + " s: " + command);
            }
            return new Result(List.copyOf(command), process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: " + command, e);
        }
    }
}
