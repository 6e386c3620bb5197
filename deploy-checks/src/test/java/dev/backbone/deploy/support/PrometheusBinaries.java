package dev.backbone.deploy.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds {@code promtool} and {@code prometheus} on the PATH. CI installs them ({@code .ci/run} installs Debian's
 * {@code prometheus} package where they are missing), so there a missing binary fails the check; on a developer
 * machine without them the checks are skipped with a message saying how to get them.
 *
 * <p>Thread safety: stateless.
 */
public final class PrometheusBinaries {

    private PrometheusBinaries() {
    }

    public static Path promtool() {
        return require("promtool");
    }

    public static Path prometheus() {
        return require("prometheus");
    }

    private static Path require(String name) {
        Optional<Path> found = onPath(name);
        if (found.isPresent()) {
            return found.get();
        }
        String message = name + " is not on the PATH: install Prometheus (Debian: apt-get install prometheus) "
                + "to run the monitoring checks";
        if (System.getenv("CI") != null) {
            throw new AssertionError(message + "; CI must have it (.ci/run installs it)");
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
