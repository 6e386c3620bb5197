package dev.backbone.deploy;

import dev.backbone.deploy.support.Project;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Copies of the chart whose values.yaml is the default values merged with a variant, for Helm's lint. */
final class ChartCopies {

    private static final YAMLMapper YAML = new YAMLMapper();

    private ChartCopies() {
    }

    static Path withMergedValues(Path dir, String variant) {
        Path copy = dir.resolve("backbone");
        try (Stream<Path> files = Files.walk(Project.chart())) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path to = copy.resolve(Project.chart().relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
            Map<String, Object> values = read(Project.chart().resolve("values.yaml"));
            merge(values, read(Project.chart().resolve(variant)));
            YAML.writeValue(copy.resolve("values.yaml").toFile(), values);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(Path file) {
        Map<String, Object> map = YAML.readValue(file.toFile(), LinkedHashMap.class);
        return map == null ? new LinkedHashMap<>() : map;
    }

    /** Helm's coalescing: maps merge key by key, anything else is replaced. */
    @SuppressWarnings("unchecked")
    private static void merge(Map<String, Object> base, Map<String, Object> overlay) {
        overlay.forEach((key, value) -> {
            Object current = base.get(key);
            if (current instanceof Map && value instanceof Map) {
                merge((Map<String, Object>) current, (Map<String, Object>) value);
            } else {
                base.put(key, value);
            }
        });
    }
}
