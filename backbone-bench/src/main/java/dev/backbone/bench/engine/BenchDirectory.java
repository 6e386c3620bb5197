package dev.backbone.bench.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A scratch directory for benchmark data, under {@code -Dbackbone.bench.dir} (default {@code java.io.tmpdir}).
 *
 * <p>Benchmarks measure the disk, so the parent must be on the disk being measured, not a tmpfs: check it
 * with {@code df}. Not thread-safe; one per benchmark state.
 */
final class BenchDirectory implements AutoCloseable {

    static final String PROPERTY = "backbone.bench.dir";

    private final Path path;

    private BenchDirectory(Path path) {
        this.path = path;
    }

    static BenchDirectory create(String prefix) throws IOException {
        Path parent = Path.of(System.getProperty(PROPERTY, System.getProperty("java.io.tmpdir")));
        Files.createDirectories(parent);
        return new BenchDirectory(Files.createTempDirectory(parent, prefix));
    }

    Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
