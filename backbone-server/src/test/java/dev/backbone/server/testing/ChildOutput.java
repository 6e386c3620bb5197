package dev.backbone.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The lines a child JVM prints, read on a daemon thread so the child never blocks on a full pipe, and waited for
 * by prefix with a deadline: swarm children report their progress this way ("SENT", "OPEN", "DONE").
 *
 * <p>Thread safety: one reader thread adds lines; one test thread waits for them.
 */
public final class ChildOutput {

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ChildOutput() {
    }

    /** Starts reading {@code process}'s standard output on a daemon thread named {@code threadName}. */
    public static ChildOutput follow(Process process, String threadName) {
        ChildOutput output = new ChildOutput();
        Thread reader = new Thread(() -> output.readAll(process), threadName);
        reader.setDaemon(true);
        reader.start();
        return output;
    }

    /** The first line starting with {@code prefix} within {@code seconds}; fails naming every other line seen. */
    public String awaitLine(String prefix, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                if (line.startsWith(prefix)) {
                    return line;
                }
                seen.add(line);
            }
        }
        throw new AssertionError("no line starting with " + prefix + " within " + seconds + " s; saw " + seen);
    }

    private void readAll(Process process) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("READ FAILED " + e);
        }
    }
}
