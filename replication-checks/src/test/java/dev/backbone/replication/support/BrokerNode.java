package dev.backbone.replication.support;

import dev.backbone.checks.support.ChildProcess;
import dev.backbone.checks.support.Deadline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One broker of a {@link BrokerCluster}: the executable jar started as a child process (inside a network namespace
 * when the cluster has them), with its own data directory that outlives the process, so that it can be killed,
 * paused, restarted on the same data, or restarted on a wiped one.
 *
 * <p>Thread safety: not thread-safe, except {@link #pause()}, {@link #resume()} and the read-only accessors, which
 * a fault-injecting thread may call while another thread drives clients.
 */
public final class BrokerNode implements AutoCloseable {

    private final Peer peer;
    private final Path dataDirectory;
    private final Path logDirectory;
    private final List<String> launchPrefix;
    private final List<String> jvmOptions;
    private final List<String> arguments;
    private volatile ChildProcess process;
    private int starts;

    BrokerNode(Peer peer, Path dataDirectory, Path logDirectory, List<String> launchPrefix, List<String> jvmOptions,
            List<String> arguments) {
        this.peer = peer;
        this.dataDirectory = dataDirectory;
        this.logDirectory = logDirectory;
        this.launchPrefix = List.copyOf(launchPrefix);
        this.jvmOptions = List.copyOf(jvmOptions);
        this.arguments = List.copyOf(arguments);
    }

    public String id() {
        return peer.id();
    }

    public Peer peer() {
        return peer;
    }

    public String baseUrl() {
        return peer.baseUrl();
    }

    /** The broker's {@code backbone.data-dir}; Raft keeps its storage in {@code raft/} under it. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    public long pid() {
        return process().pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Starts the process; {@link #awaitReady} waits for it. Fails if it already runs. */
    public void start() {
        if (isAlive()) {
            throw new IllegalStateException(id() + " is still running (pid " + process.pid() + ")");
        }
        List<String> command = new ArrayList<>(launchPrefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", Project.brokerJar().toString(), "--server.port=" + peer.httpPort(),
                "--server.address=" + peer.host(), "--backbone.data-dir=" + dataDirectory));
        command.addAll(arguments);
        starts++;
        process = ChildProcess.start(id(), command, logDirectory.resolve(id() + "-" + starts + ".log"));
    }

    /** Whether the readiness group answers 200 now. */
    public boolean isReady() {
        try {
            return Http.get(baseUrl() + "/actuator/health/readiness", Duration.ofSeconds(2)).statusCode() == 200;
        } catch (RuntimeException notListening) {
            return false;
        }
    }

    /** Waits until the readiness group answers 200; fails early, with the log's tail, if the process exits. */
    public void awaitReady(Duration timeout) {
        Deadline.await(id() + " ready at " + baseUrl(), timeout, () -> {
            ChildProcess current = process();
            if (!current.isAlive()) {
                throw new AssertionError(id() + " exited: " + current.tail());
            }
            return isReady() ? Optional.of(true) : Optional.empty();
        });
    }

    /** SIGKILL, waiting until the process is gone. */
    public void kill() {
        process().kill();
    }

    /** SIGSTOP: the broker freezes with its sockets open. */
    public void pause() {
        process().pause();
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        process().resume();
    }

    /** Starts again on the same data directory and ports, after {@link #kill()} or {@link #close()}. */
    public void restart(Duration readyTimeout) {
        start();
        awaitReady(readyTimeout);
    }

    /** Deletes the data directory, everything in it, while the broker is down: a replaced disk. */
    public void wipeDataDirectory() {
        if (isAlive()) {
            throw new IllegalStateException("Stop " + id() + " before wiping " + dataDirectory);
        }
        deleteRecursively(dataDirectory);
    }

    /** The last lines of the current process's log. */
    public String tail() {
        return process == null ? id() + " never started" : process.tail();
    }

    /** SIGTERM, then SIGKILL after ten seconds: a graceful stop. */
    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }

    @Override
    public String toString() {
        return id() + "@" + baseUrl() + (isAlive() ? " pid " + process.pid() : " (down)");
    }

    private ChildProcess process() {
        ChildProcess current = process;
        if (current == null) {
            throw new IllegalStateException(id() + " was never started");
        }
        return current;
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + dir, e);
        }
    }
}
