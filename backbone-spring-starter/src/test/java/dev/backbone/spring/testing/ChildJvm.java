package dev.backbone.spring.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command that runs a main class of the test class path in a child JVM: the redelivery test needs a real
 * process it can kill with SIGKILL. Stateless.
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
