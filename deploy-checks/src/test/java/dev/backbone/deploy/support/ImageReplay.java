package dev.backbone.deploy.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An image's file system and start command rebuilt from its Dockerfile without Docker: the build stage's
 * {@code java -Djarmode=tools ... extract} runs against the jar the reactor built, the final stage's
 * {@code COPY --from} lines copy the layers into a directory standing for the image's WORKDIR, and the ENTRYPOINT
 * runs there with the image's ENV. So the layer extraction, the copy order and the launcher class are the ones the
 * image really has, checked on every build.
 *
 * <p>Thread safety: {@link #of} is thread-safe and replays each Dockerfile once per JVM; instances are immutable.
 */
public final class ImageReplay {

    private static final Map<Path, ImageReplay> REPLAYED = new ConcurrentHashMap<>();

    private final Dockerfile dockerfile;
    private final Path workdir;

    private ImageReplay(Dockerfile dockerfile, Path workdir) {
        this.dockerfile = dockerfile;
        this.workdir = workdir;
    }

    /** The replay of the Dockerfile at {@code relative} (to the repository root). */
    public static ImageReplay of(String relative) {
        return REPLAYED.computeIfAbsent(Project.resolve(relative), ImageReplay::replay);
    }

    public Dockerfile dockerfile() {
        return dockerfile;
    }

    /** The directory standing for the image's WORKDIR, holding the copied layers. */
    public Path workdir() {
        return workdir;
    }

    /** The image's ENV, in order. */
    public Map<String, String> env() {
        return dockerfile.finalStage().env();
    }

    /** The ENTRYPOINT, with {@code java} resolved to the JDK running the tests. */
    public List<String> entrypoint() {
        List<String> command = new ArrayList<>(dockerfile.finalStage().last("ENTRYPOINT").execForm());
        if (command.get(0).equals("java")) {
            command.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
        }
        return command;
    }

    /** The HEALTHCHECK's command, exec form, its options (--interval and so on) left out. */
    public List<String> healthcheck() {
        String arguments = dockerfile.finalStage().last("HEALTHCHECK").arguments();
        int cmd = arguments.indexOf("CMD ");
        if (cmd < 0) {
            throw new IllegalStateException("HEALTHCHECK without CMD: " + arguments);
        }
        return new Dockerfile.Instruction("HEALTHCHECK", arguments.substring(cmd + 4).strip()).execForm();
    }

    private static ImageReplay replay(Path file) {
        Dockerfile dockerfile = Dockerfile.read(file);
        Dockerfile.Stage last = dockerfile.finalStage();
        Path scratch = Project.scratch("images/" + Project.root().relativize(file).toString().replace('/', '_'));
        deleteContents(scratch);
        Path image = scratch.resolve("image");
        Path workdir = image.resolve(last.last("WORKDIR").arguments().replaceFirst("^/", ""));
        for (Dockerfile.Instruction copy : last.all("COPY")) {
            List<String> words = ShellWords.split(copy.arguments());
            String from = words.get(0).replaceFirst("^--from=", "");
            Dockerfile.Stage build = dockerfile.stage(from);
            String buildWorkdir = build.last("WORKDIR").arguments();
            runExtract(build, buildWorkdir, scratch);
            Path source = scratch.resolve("build").resolve(relativeTo(buildWorkdir, words.get(1)));
            copyTree(source, workdir.resolve(words.get(2)).normalize());
        }
        return new ImageReplay(dockerfile, workdir);
    }

    /** Runs the build stage's layer extraction once, with its WORKDIR mapped to {@code scratch/build}. */
    private static void runExtract(Dockerfile.Stage build, String buildWorkdir, Path scratch) {
        if (Files.isDirectory(scratch.resolve("build"))) {
            return;
        }
        for (Dockerfile.Instruction run : build.all("RUN")) {
            if (!run.arguments().contains("-Djarmode=tools")) {
                continue;
            }
            String command = run.arguments().replace(buildWorkdir + "/", scratch.resolve("build") + "/");
            exec(List.of("bash", "-c", command), Project.root());
        }
    }

    private static String relativeTo(String buildWorkdir, String path) {
        if (!path.startsWith(buildWorkdir + "/")) {
            throw new IllegalStateException("COPY --from source outside the build WORKDIR: " + path);
        }
        return path.substring(buildWorkdir.length() + 1);
    }

    private static void exec(List<String> command, Path dir) {
        try {
            Path log = Project.scratch("images").resolve("extract.log");
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("Failed: " + command + "; output in " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path source, Path target) {
        if (!Files.isDirectory(source)) {
            throw new IllegalStateException("COPY source missing after the build: " + source);
        }
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteContents(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
