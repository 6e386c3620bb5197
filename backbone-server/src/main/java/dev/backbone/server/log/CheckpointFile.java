package dev.backbone.server.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An offset per partition, kept in one small text file in Kafka's checkpoint format and replaced
 * atomically: written to {@code <name>.tmp}, fsynced, renamed over the old file, and the directory fsynced.
 * A crash at any point leaves either the old or the new file, never a mix; a leftover temp file is removed.
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
    static final String TEMP_SUFFIX = ".tmp";

    private final Path file;
    private final Path temp;

    CheckpointFile(Path file) {
        this.file = file;
        this.temp = file.resolveSibling(file.getFileName() + TEMP_SUFFIX);
    }

    Path file() {
        return file;
    }

    /**
     * The entries, empty when the file is missing. A file that cannot be parsed is reported and treated as
     * empty: the log then recovers from the start, which is slow but safe.
     */
    Map<TopicPartition, Long> read() throws IOException {
        if (Files.deleteIfExists(temp)) {
            LOG.log(System.Logger.Level.WARNING, "Removed leftover checkpoint temp file {0}", temp);
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
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
        ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(file.getParent());
    }

    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
