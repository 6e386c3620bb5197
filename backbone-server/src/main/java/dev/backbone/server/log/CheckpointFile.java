package dev.backbone.server.log;

import dev.backbone.server.log.io.DurableFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An offset per partition, kept in one small text file in Kafka's checkpoint format and replaced
 * through {@link DurableFiles}: a crash at any point leaves either the old or the new file, never a mix; a
 * leftover temp file is removed.
 *
 * <pre>
 *   0                      version
 *   2                      number of entries
 *   orders 0 1200          topic, partition, offset
 *   orders 1 1177
 * </pre>
 *
 * <p>Thread safety: {@link #write} is synchronized; the file is owned by one {@link LogManager}.
 */
final class CheckpointFile {

    private static final System.Logger LOG = System.getLogger(CheckpointFile.class.getName());
    private static final int VERSION = 0;

    private final DurableFiles durable;
    private final Path file;

    CheckpointFile(DurableFiles durable, Path file) {
        this.durable = durable;
        this.file = file;
    }

    Path file() {
        return file;
    }

    /**
     * The entries, empty when the file is missing. A file that cannot be parsed is reported and treated as
     * empty: the log then recovers from the start, which is slow but safe.
     */
    Map<TopicPartition, Long> read() throws IOException {
        if (durable.removeLeftoverTemp(file)) {
            LOG.log(System.Logger.Level.WARNING, "Removed leftover checkpoint temp file of {0}", file);
        }
        List<String> lines;
        try {
            lines = Arrays.asList(new String(durable.files().readAllBytes(file), StandardCharsets.UTF_8)
                    .split("\n"));
        } catch (NoSuchFileException e) {
            return Map.of();
        }
        try {
            if (lines.size() < 2 || Integer.parseInt(lines.get(0).trim()) != VERSION) {
                throw new IllegalArgumentException("bad header");
            }
            int count = Integer.parseInt(lines.get(1).trim());
            if (count != lines.size() - 2) {
                throw new IllegalArgumentException("expected " + count + " entries, found " + (lines.size() - 2));
            }
            Map<TopicPartition, Long> entries = new HashMap<>();
            for (String line : lines.subList(2, lines.size())) {
                int offsetSpace = line.lastIndexOf(' ');
                int partitionSpace = line.lastIndexOf(' ', offsetSpace - 1);
                String topic = line.substring(0, partitionSpace);
                int partition = Integer.parseInt(line.substring(partitionSpace + 1, offsetSpace));
                long offset = Long.parseLong(line.substring(offsetSpace + 1));
                entries.put(new TopicPartition(topic, partition), offset);
            }
            return entries;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Ignoring unreadable checkpoint file {0}: {1}", file, e.toString());
            return Map.of();
        }
    }

    synchronized void write(Map<TopicPartition, Long> entries) throws IOException {
        StringBuilder text = new StringBuilder().append(VERSION).append('\n').append(entries.size()).append('\n');
        Map<String, Long> sorted = new TreeMap<>();
        for (Map.Entry<TopicPartition, Long> entry : entries.entrySet()) {
            sorted.put(entry.getKey().topic() + " " + entry.getKey().partition(), entry.getValue());
        }
        sorted.forEach((key, offset) -> text.append(key).append(' ').append(offset).append('\n'));
        durable.replace(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }
}
