package dev.backbone.deploy.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The instructions of a Dockerfile, read well enough to replay an image's build and start without Docker:
 * continuation lines joined, comments and parser directives dropped, instructions grouped by stage.
 *
 * <p>Thread safety: immutable after construction.
 */
public final class Dockerfile {

    private static final JsonMapper JSON = new JsonMapper();

    /** One instruction: its keyword in upper case and the rest of the line, continuations joined. */
    public record Instruction(String keyword, String arguments) {

        /** The arguments of an exec-form instruction ({@code ["java", "-jar", ...]}). */
        public List<String> execForm() {
            String json = arguments.startsWith("CMD ") ? arguments.substring(4).trim() : arguments;
            if (!json.startsWith("[")) {
                throw new IllegalStateException(keyword + " is not in exec form: " + arguments);
            }
            return List.of(JSON.readValue(json, String[].class));
        }
    }

    /** A build stage: its base image, its name ({@code AS name}, or empty) and its instructions. */
    public record Stage(String from, String name, List<Instruction> instructions) {

        public List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }

        /** The last instruction with this keyword, as Docker takes for WORKDIR, USER, ENTRYPOINT, HEALTHCHECK. */
        public Instruction last(String keyword) {
            List<Instruction> found = all(keyword);
            if (found.isEmpty()) {
                throw new IllegalStateException("Stage " + (name.isEmpty() ? from : name) + " has no " + keyword);
            }
            return found.get(found.size() - 1);
        }

        /** Every ENV of the stage, in order; later values replace earlier ones. */
        public Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>();
            for (Instruction i : all("ENV")) {
                for (String word : ShellWords.split(i.arguments())) {
                    int eq = word.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalStateException("ENV without name=value: " + i.arguments());
                    }
                    env.put(word.substring(0, eq), word.substring(eq + 1));
                }
            }
            return env;
        }
    }

    private final Path file;
    private final List<Stage> stages;

    private Dockerfile(Path file, List<Stage> stages) {
        this.file = file;
        this.stages = List.copyOf(stages);
    }

    public static Dockerfile read(Path file) {
        try {
            return new Dockerfile(file, parse(joinContinuations(Files.readAllLines(file))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path file() {
        return file;
    }

    public List<Stage> stages() {
        return stages;
    }

    /** The stage the image is made of: the last one. */
    public Stage finalStage() {
        return stages.get(stages.size() - 1);
    }

    public Stage stage(String name) {
        return stages.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException(file + " has no stage " + name));
    }

    private static List<String> joinContinuations(List<String> lines) {
        List<String> logical = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.length() == 0)) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
            } else {
                current.append(line);
                logical.add(current.toString().strip());
                current.setLength(0);
            }
        }
        if (current.length() > 0) {
            logical.add(current.toString().strip());
        }
        return logical;
    }

    private static List<Stage> parse(List<String> lines) {
        List<Stage> stages = new ArrayList<>();
        List<Instruction> current = null;
        for (String line : lines) {
            if (line.isEmpty()) {
                continue;
            }
            int space = line.indexOf(' ');
            String keyword = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
            String arguments = space < 0 ? "" : line.substring(space + 1).strip();
            if (keyword.equals("FROM")) {
                String[] words = arguments.split("\\s+");
                String name = words.length >= 3 && words[1].equalsIgnoreCase("AS") ? words[2] : "";
                current = new ArrayList<>();
                stages.add(new Stage(words[0], name, current));
            } else if (current == null) {
                throw new IllegalStateException("Instruction before FROM: " + line);
            } else {
                current.add(new Instruction(keyword, arguments));
            }
        }
        return stages;
    }
}
