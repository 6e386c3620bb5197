package dev.backbone.server.audit;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import dev.backbone.server.log.io.StorageFiles;

/**
 * Which part of a partition's files a verification covers: per segment, the bytes {@code [0, endPosition)} of
 * the {@code .log} file and the first {@code entryCount} entries of its {@code .chain} file.
 *
 * <p>A live partition keeps growing while it is verified; the snapshot pins what existed when it was taken.
 *
 * @param directory the partition directory
 * @param segments  the segments in ascending base offset order
 */
public record ChainSnapshot(Path directory, List<Span> segments) {

    /** One segment's part of the snapshot. */
    public record Span(long baseOffset, long endPosition, int entryCount) {
    }

    public ChainSnapshot {
        Objects.requireNonNull(directory, "directory");
        segments = List.copyOf(segments);
        for (int i = 1; i < segments.size(); i++) {
            if (segments.get(i).baseOffset() <= segments.get(i - 1).baseOffset()) {
                throw new IllegalArgumentException("segments out of order: " + segments);
            }
        }
    }

    /**
     * Everything in the directory's files as they are now: every {@code .log} file whole, every entry of its
     * {@code .chain} file. For a directory no broker is writing to (a stopped broker, a copy, a backup).
     */
    public static ChainSnapshot ofFiles(StorageFiles files, Path directory) throws IOException {
        List<Long> bases = new ArrayList<>();
        for (Path file : files.list(directory)) {
            long base = ChainDescriptor.baseOffsetOf(file.getFileName().toString(), ChainDescriptor.SEGMENT_SUFFIX);
            if (base >= 0) {
                bases.add(base);
            }
        }
        bases.sort(Comparator.naturalOrder());
        List<Span> spans = new ArrayList<>(bases.size());
        for (long base : bases) {
            long entries = sizeOrZero(files, ChainDescriptor.chainFile(directory, base)) / ChainDescriptor.ENTRY_SIZE;
            spans.add(new Span(base, files.size(ChainDescriptor.segmentFile(directory, base)),
                    (int) Math.min(Integer.MAX_VALUE, entries)));
        }
        return new ChainSnapshot(directory, spans);
    }

    private static long sizeOrZero(StorageFiles files, Path file) throws IOException {
        try {
            return files.size(file);
        } catch (NoSuchFileException e) {
            return 0;
        }
    }
}
