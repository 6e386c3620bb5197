package dev.backbone.replication.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short system command ({@code ip}, {@code iptables}, {@code kill}) to completion, bounded in time.
 *
 * <p>Thread safety: stateless.
 */
public final class Commands {

    private static final long TIMEOUT_SECONDS = 30;

    /** What a finished command gave back. */
    public record Result(List<String> command, int exitCode, String output) {

        public boolean succeeded() {
            return exitCode == 0;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " -> exit " + exitCode + (output.isBlank() ? "" : ": " + output.strip());
        }
    }

    private Commands() {
    }

    /** Runs {@code command} and returns its result, whatever the exit code. */
    public static Result run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            // Every command here prints little; reading to the end before waiting cannot deadlock on a full pipe.
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("Did not finish within " + TIMEOUT_SECONDS + " s: " + command);
            }
            return new Result(command, process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: " + command, e);
        }
    }

    /** Runs {@code command} and fails with its output unless it exits 0. */
    public static String check(String... command) {
        Result result = run(List.of(command));
        if (!result.succeeded()) {
            throw new IllegalStateException("Command failed: " + result);
        }
        return result.output();
    }
}
