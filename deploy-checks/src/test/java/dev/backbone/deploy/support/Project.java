package dev.backbone.deploy.support;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Paths of the repository the checks run in: the chart, the deployment files and the built jars. Found by walking
 * up from the working directory (Maven runs the tests in the module's directory) to the directory that holds both
 * the root {@code pom.xml} and {@code helm/}.
 *
 * <p>Thread safety: immutable.
 */
public final class Project {

    private static final Path ROOT = findRoot();

    private Project() {
    }

    public static Path root() {
        return ROOT;
    }

    public static Path resolve(String relative) {
        return ROOT.resolve(relative);
    }

    public static Path chart() {
        return resolve("helm/backbone");
    }

    /** The broker's executable Boot jar, as the reactor builds it before this module. */
    public static Path brokerJar() {
        Path jar = resolve("backbone-server/target/backbone-server-exec.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The broker jar " + jar + " is missing: build the reactor "
                    + "(mvn -B verify, or mvn -B -pl deploy-checks -am verify), not this module alone");
        }
        return jar;
    }

    /** A sample service's executable Boot jar, built by the reactor before this module. */
    public static Path sampleJar(String module) {
        Path jar = resolve(module + "/target/" + module + "-exec.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The jar " + jar + " is missing: build the reactor, not this module alone");
        }
        return jar;
    }

    /** A scratch directory under this module's {@code target/}, created if missing. */
    public static Path scratch(String name) {
        try {
            return Files.createDirectories(resolve("deploy-checks/target/" + name));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("helm"))) {
                return p;
            }
        }
        throw new IllegalStateException("No repository root (pom.xml and helm/) above " + dir);
    }
}
