package dev.backbone.server.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command that runs a main class of the test class path in a child JVM: crash tests need a real process
 * they can kill with SIGKILL, which no in-process fake can stand in for.
 *
 * <p>Thread safety: stateless.
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /** A process builder for {@code java <jvmOptions> -cp <this class path> <mainClass> <args>}. */
    public static ProcessBuilder command(List<String> jvmOptions, Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }
}
