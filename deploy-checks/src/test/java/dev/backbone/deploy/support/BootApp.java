package dev.backbone.deploy.support;

import dev.backbone.checks.support.ChildProcess;
import dev.backbone.checks.support.Deadline;
import dev.backbone.checks.support.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Spring Boot application started from its executable jar as a child process on a chosen port, ready when its
 * readiness group answers 200; restartable on the same port and arguments after a crash.
 *
 * <p>Thread safety: not thread-safe.
 */
public final class BootApp implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final String name;
    private final Path jar;
    private final int port;
    private final List<String> args;
    private final Map<String, String> env;
    private final Path logDir;
    private ChildProcess process;
    private int starts;

    private BootApp(String name, Path jar, int port, List<String> args, Map<String, String> env, Path logDir) {
        this.name = name;
        this.jar = jar;
        this.port = port;
        this.args = List.copyOf(args);
        this.env = Map.copyOf(env);
        this.logDir = logDir;
    }

    /** Starts {@code jar} with {@code --server.port} set to a free port and {@code args}, and waits until ready. */
    public static BootApp start(String name, Path jar, Path logDir, String... args) {
        return start(name, jar, logDir, Map.of(), args);
    }

    /**
     * Starts {@code jar} as {@link #start(String, Path, Path, String...)} does, with {@code env} added to its
     * environment. Arguments win over the environment, as Spring Boot orders its property sources.
     */
    public static BootApp start(String name, Path jar, Path logDir, Map<String, String> env, String... args) {
        BootApp app = new BootApp(name, jar, FreePorts.next(), List.of(args), env, logDir);
        app.startProcess();
        return app;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public ChildProcess process() {
        return process;
    }

    /** SIGKILL: the crash. */
    public void kill() {
        process.kill();
    }

    /** Starts again, same port and arguments, after a {@link #kill()} or {@link #close()}. */
    public void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        startProcess();
    }

    private void startProcess() {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:TieredStopAtLevel=1", "-Xss512k", "-jar", jar.toString(),
                "--server.port=" + port, "--server.address=127.0.0.1"));
        command.addAll(args);
        starts++;
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        process = ChildProcess.start(name, builder,
                logDir.resolve(name + "-" + starts + ".log"));
        String readiness = baseUrl() + "/actuator/health/readiness";
        try {
            Deadline.await(name + " ready at " + readiness, START_TIMEOUT, () -> {
                if (!process.isAlive()) {
                    throw new AssertionError(name + " exited: " + process.tail());
                }
                try {
                    return Http.get(readiness).statusCode() == 200 ? Optional.of(true) : Optional.empty();
                } catch (RuntimeException notYetListening) {
                    return Optional.empty();
                }
            });
        } catch (AssertionError e) {
            process.close();
            throw new AssertionError(e.getMessage() + "\n" + process.tail(), e);
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}
