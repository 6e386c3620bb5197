package dev.backbone.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The properties table of {@code docs/STARTER.md} lists exactly the properties of the generated configuration
 * metadata, with the same defaults.
 */
class StarterDocPropertiesTest {

    private static final Pattern ROW = Pattern.compile("^\\| `(backbone\\.[a-z0-9.-]+)` \\|\\s*(`([^`]*)`)?\\s*\\|",
            Pattern.MULTILINE);

    @Test
    void theDocumentedPropertiesAreTheGeneratedMetadata() throws Exception {
        Map<String, String> documented = new LinkedHashMap<>();
        Matcher row = ROW.matcher(Files.readString(Path.of("..", "docs", "STARTER.md")));
        while (row.find()) {
            documented.put(row.group(1), row.group(3) == null ? "" : row.group(3));
        }
        Map<String, String> generated = new LinkedHashMap<>();
        try (InputStream json = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            for (JsonNode property : new JsonMapper().readTree(json).get("properties")) {
                JsonNode value = property.get("defaultValue");
                generated.put(property.get("name").asString(), value == null ? "" : value.asString());
            }
        }
        assertThat(documented).isNotEmpty().containsExactlyInAnyOrderEntriesOf(generated);
    }
}
