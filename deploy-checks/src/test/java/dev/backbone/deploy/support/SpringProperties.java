package dev.backbone.deploy.support;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The configuration properties a Spring Boot application knows, read from the configuration metadata of its
 * executable jar (its own classes and every library jar inside), and the test whether an environment variable
 * binds to one of them under Boot's rules for environment variables: upper case, '.' as '_', '-' dropped, list
 * indexes and map keys as further '_' segments.
 *
 * <p>Thread safety: immutable after construction; {@link #ofBootJar} is thread-safe.
 */
public final class SpringProperties {

    private static final JsonMapper JSON = new JsonMapper();
    private static final String METADATA = "META-INF/spring-configuration-metadata.json";
    private static final String ADDITIONAL = "META-INF/additional-spring-configuration-metadata.json";

    private static final Map<Path, SpringProperties> READ = new ConcurrentHashMap<>();

    /** Names bound exactly, and prefixes under which any suffix binds (maps and lists). */
    private final Set<String> exact = new HashSet<>();
    private final Set<String> prefixes = new HashSet<>();

    private SpringProperties() {
    }

    /** The properties of a Boot jar, read once per JVM: a jar holds a hundred nested jars to scan. */
    public static SpringProperties ofBootJar(Path jar) {
        return READ.computeIfAbsent(jar.toAbsolutePath().normalize(), SpringProperties::read);
    }

    private static SpringProperties read(Path jar) {
        SpringProperties properties = new SpringProperties();
        try (InputStream in = Files.newInputStream(jar)) {
            properties.scan(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + jar, e);
        }
        if (properties.exact.isEmpty()) {
            throw new IllegalStateException("No configuration metadata in " + jar);
        }
        return properties;
    }

    /** Whether Boot binds {@code variable} to a known property. */
    public boolean bindsEnvironmentVariable(String variable) {
        if (exact.contains(variable)) {
            return true;
        }
        return prefixes.stream().anyMatch(p -> variable.startsWith(p + "_"));
    }

    private void scan(InputStream jar) throws IOException {
        ZipInputStream zip = new ZipInputStream(jar);
        for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
            String name = entry.getName();
            if (name.endsWith(METADATA) || name.endsWith(ADDITIONAL)) {
                read(JSON.readTree(zip.readAllBytes()));
            } else if (name.endsWith(".jar")) {
                scan(new ByteArrayInputStream(zip.readAllBytes()));
            }
        }
    }

    private void read(JsonNode metadata) {
        for (JsonNode property : metadata.path("properties")) {
            String name = property.path("name").asString();
            String type = property.path("type").asString("");
            boolean open = type.startsWith("java.util.Map") || type.startsWith("java.util.List")
                    || type.startsWith("java.util.Set") || type.startsWith("java.util.Collection");
            for (String form : environmentForms(name)) {
                (open ? prefixes : exact).add(form);
                if (open) {
                    exact.add(form);
                }
            }
        }
    }

    /** The canonical form ({@code my.some-name} as {@code MY_SOMENAME}) and the common one with '_' for '-'. */
    static Set<String> environmentForms(String property) {
        String upper = property.toUpperCase(Locale.ROOT).replace('.', '_');
        return new HashSet<>(List.of(upper.replace("-", ""), upper.replace('-', '_')));
    }
}
