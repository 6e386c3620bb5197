package dev.backbone.server.topic;

import dev.backbone.server.log.io.DurableFiles;
import dev.backbone.server.log.io.StorageFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Topic metadata on disk: one file per topic, {@code <data-dir>/topics/<name>.json}:
 *
 * <pre>
 * {"name": "orders", "partitions": 3, "config": {"retention.ms": "86400000"}}
 * </pre>
 *
 * <p>The files live beside the partition directories ({@code <data-dir>/<name>-<partition>}) and not inside a
 * {@code <data-dir>/<name>} directory, because a topic {@code a-0} and partition 0 of topic {@code a} would then
 * share a directory. Each write goes through {@link DurableFiles}, so a crash leaves the old or the new file, never
 * a torn one. A deletion first renames the
 * file to {@code <name>.json.deleting}; a start that finds such a marker finishes the deletion, so a crash half-way
 * through a delete never brings a topic back.
 *
 * <p>Thread safety: not thread-safe; the {@link TopicRegistry} serializes every change.
 */
final class TopicStore {

    /** What is persisted of one topic. */
    record StoredTopic(String name, int partitions, Map<String, String> config) {
    }

    static final String DIRECTORY = "topics";
    private static final String SUFFIX = ".json";
    private static final String DELETING_SUFFIX = ".json.deleting";
    private static final String TEMP_SUFFIX = SUFFIX + DurableFiles.TEMP_SUFFIX;

    private final StorageFiles files;
    private final DurableFiles durable;
    private final Path directory;
    private final JsonMapper json = JsonMapper.builder().build();

    TopicStore(StorageFiles files, Path dataDir) throws IOException {
        this.files = files;
        this.durable = new DurableFiles(files);
        this.directory = dataDir.resolve(DIRECTORY);
        durable.createDirectories(directory);
    }

    Path directory() {
        return directory;
    }

    /** Every stored topic, sorted by name; leftover temporary files are removed. */
    List<StoredTopic> loadAll() throws IOException {
        List<StoredTopic> topics = new ArrayList<>();
        for (Path file : files.list(directory)) {
            String fileName = file.getFileName().toString();
            if (fileName.endsWith(TEMP_SUFFIX)) {
                files.deleteIfExists(file);
            } else if (fileName.endsWith(SUFFIX)) {
                topics.add(read(file));
            }
        }
        topics.sort((a, b) -> a.name().compareTo(b.name()));
        return topics;
    }

    /** Names of topics whose deletion was started but not finished. */
    List<String> pendingDeletions() throws IOException {
        List<String> names = new ArrayList<>();
        for (Path file : files.list(directory)) {
            String fileName = file.getFileName().toString();
            if (fileName.endsWith(DELETING_SUFFIX)) {
                names.add(fileName.substring(0, fileName.length() - DELETING_SUFFIX.length()));
            }
        }
        return names;
    }

    void write(StoredTopic topic) throws IOException {
        ObjectNode root = json.createObjectNode();
        root.put("name", topic.name());
        root.put("partitions", topic.partitions());
        ObjectNode config = root.putObject("config");
        new TreeMap<>(topic.config()).forEach(config::put);
        durable.replace(file(topic.name()), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }

    /** First step of a deletion: afterwards, a restart finishes the deletion instead of loading the topic. */
    void markDeleting(String name) throws IOException {
        files.moveAtomically(file(name), directory.resolve(name + DELETING_SUFFIX));
        durable.syncDirectory(directory);
    }

    /** Last step of a deletion, once every partition directory is gone. */
    void finishDeleting(String name) throws IOException {
        files.deleteIfExists(directory.resolve(name + DELETING_SUFFIX));
        durable.syncDirectory(directory);
    }

    private StoredTopic read(Path file) throws IOException {
        try {
            JsonNode root = json.readTree(files.readAllBytes(file));
            String name = root.path("name").asString();
            int partitions = root.path("partitions").asInt(-1);
            if (name.isEmpty() || partitions < 1) {
                throw new IOException("topic metadata " + file + " lacks a name or a partition count >= 1");
            }
            Map<String, String> config = new LinkedHashMap<>();
            root.path("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asString()));
            return new StoredTopic(name, partitions, config);
        } catch (JacksonException e) {
            throw new IOException("topic metadata " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private Path file(String name) {
        return directory.resolve(name + SUFFIX);
    }
}
