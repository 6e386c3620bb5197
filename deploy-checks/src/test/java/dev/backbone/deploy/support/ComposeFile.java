package dev.backbone.deploy.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The project's {@code docker-compose.yml}, read as the Compose specification defines it: services with their
 * build, environment (map or list form), env files, ports and volumes.
 *
 * <p>Thread safety: immutable.
 */
public final class ComposeFile {

    private static final YAMLMapper YAML = new YAMLMapper();

    private final Path file;
    private final JsonNode tree;

    private ComposeFile(Path file, JsonNode tree) {
        this.file = file;
        this.tree = tree;
    }

    public static ComposeFile read(Path file) {
        return new ComposeFile(file, YAML.readTree(file.toFile()));
    }

    public Path directory() {
        return file.getParent();
    }

    public JsonNode tree() {
        return tree;
    }

    public List<String> serviceNames() {
        return tree.path("services").propertyNames().stream().toList();
    }

    public JsonNode service(String name) {
        JsonNode service = tree.path("services").path(name);
        if (service.isMissingNode()) {
            throw new AssertionError(file + " has no service " + name);
        }
        return service;
    }

    /** The service's environment: its env files in order, then its {@code environment}, as Compose merges them. */
    public Map<String, String> environment(String name) {
        JsonNode service = service(name);
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode envFile : service.path("env_file")) {
            env.putAll(readEnvFile(directory().resolve(envFile.asString())));
        }
        JsonNode environment = service.path("environment");
        if (environment.isObject()) {
            environment.properties().forEach(e -> env.put(e.getKey(), e.getValue().asString()));
        } else {
            for (JsonNode entry : environment) {
                String[] pair = entry.asString().split("=", 2);
                env.put(pair[0], pair.length > 1 ? pair[1] : "");
            }
        }
        return env;
    }

    /** The {@code KEY=value} lines of an env file; blank lines and {@code #} comments skipped. */
    public static Map<String, String> readEnvFile(Path file) {
        Map<String, String> env = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                int eq = trimmed.indexOf('=');
                if (eq <= 0) {
                    throw new AssertionError(file + ": not KEY=value: " + line);
                }
                env.put(trimmed.substring(0, eq), trimmed.substring(eq + 1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return env;
    }
}
