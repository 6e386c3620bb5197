package dev.backbone.replication.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Paths of the repository the checks run in: the broker's executable jar and a scratch directory for logs. Found by
 * walking up from the working directory (Maven runs the tests in the module's directory) to the directory holding
 * both the root {@code pom.xml} and this module.
 *
 * <p>Thread safety: immutable.
 */
public final class Project {

    private static final String MODULE = "replication-checks";
    private static final Path ROOT = findRoot();

    private Project() {
    }

    public static Path root() {
        return ROOT;
    }

    /** The broker's executable Boot jar, as the reactor builds it before this module. */
    public static Path brokerJar() {
        Path jar = ROOT.resolve("backbone-server/target/backbone-server-exec.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The broker jar " + jar + " is missing: build the reactor "
                    + "(mvn -B verify, or mvn -B -pl " + MODULE + " -am verify), not this module alone");
        }
        return jar;
    }

    /** A directory under this module's {@code target/}, created if missing: kept after the run for failures. */
    public static Path scratch(String name) {
        try {
            return Files.createDirectories(ROOT.resolve(MODULE).resolve("target").resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve(MODULE))) {
                return p;
            }
        }
        throw new IllegalStateException("No repository root (pom.xml and " + MODULE + "/) above " + dir);
    }
}
