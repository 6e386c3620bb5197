package dev.backbone.server.log;

import dev.backbone.server.log.io.OpenFileBudget;
import dev.backbone.server.log.io.StorageFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * Opens the segments of one partition directory and brings them to a valid state.
 *
 * <p>After a clean shutdown every segment's indexes are taken from their files (checked against the log,
 * rebuilt when missing or stale). After a crash, every segment from the one holding the recovery point on is
 * scanned batch by batch ({@link LogSegment#recover}): at the first torn or invalid batch the segment is cut,
 * the later segments are dropped, and the rebuilt indexes are written. Leftovers of deletions
 * ({@code .deleted} files, indexes without a log) are removed first.
 *
 * <p>Thread safety: runs before the log is shared; not thread-safe.
 */
final class LogLoader {

    private static final System.Logger LOG = System.getLogger(LogLoader.class.getName());

    private LogLoader() {
    }

    /**
     * What loading found.
     *
     * @param segments the segments, oldest first, the last one active; never empty
     * @param asLeft   whether the files were taken as they were: none created, scanned, rebuilt or dropped
     */
    record Loaded(List<LogSegment> segments, boolean asLeft) {
    }

    static Loaded load(StorageFiles files, OpenFileBudget budget, Path dir, LogConfig config,
                                 long recoveryPoint, boolean cleanShutdown, long logStartCheckpoint, long nowMs)
            throws IOException {
        files.createDirectories(dir);
        TreeSet<Long> bases = cleanDirectory(files, dir);
        if (bases.isEmpty()) {
            return new Loaded(List.of(LogSegment.create(files, budget, dir, Math.max(0, logStartCheckpoint), nowMs)),
                    false);
        }
        List<LogSegment> opened = new ArrayList<>();
        try {
            for (long base : bases) {
                opened.add(LogSegment.open(files, budget, dir, base, nowMs));
            }
        } catch (IOException e) {
            closeAll(opened, e);
            throw e;
        }
        Long floor = bases.floor(recoveryPoint);
        long scanFrom = cleanShutdown ? Long.MAX_VALUE : floor == null ? bases.first() : floor;
        List<LogSegment> result = new ArrayList<>();
        List<LogSegment> rescanned = new ArrayList<>();
        long expected = opened.get(0).baseOffset();
        int i = 0;
        for (; i < opened.size(); i++) {
            LogSegment segment = opened.get(i);
            if (i > 0 && segment.baseOffset() != expected) {
                LOG.log(System.Logger.Level.WARNING, "Recovery: segment {0} starts at offset {1} but the log before it"
                        + " ends at {2}; dropping it and every later segment", segment.logFile(),
                        segment.baseOffset(), expected);
                break;
            }
            boolean last = i == opened.size() - 1;
            LogSegment.Recovery recovery = null;
            if (segment.baseOffset() >= scanFrom) {
                recovery = segment.recover(config.indexIntervalBytes());
                rescanned.add(segment);
            } else if (!segment.loadIndexes(last)) {
                LOG.log(System.Logger.Level.WARNING, "Recovery: the indexes of {0} are missing or do not match it;"
                        + " rebuilding them", segment.logFile());
                recovery = segment.recover(config.indexIntervalBytes());
                rescanned.add(segment);
            }
            result.add(segment);
            expected = segment.nextOffset();
            if (recovery != null && recovery.truncated()) {
                i++;
                break;
            }
        }
        for (int j = result.size(); j < opened.size(); j++) {
            LogSegment dropped = opened.get(j);
            LOG.log(System.Logger.Level.WARNING, "Recovery: dropping segment {0} ({1} bytes) after the truncation",
                    dropped.logFile(), dropped.sizeBytes());
            dropped.deleteFiles();
        }
        for (int j = 0; j < result.size(); j++) {
            LogSegment segment = result.get(j);
            boolean last = j == result.size() - 1;
            if (rescanned.contains(segment)) {
                // What recovery kept may only be in the page cache (the crash was of the process, not the machine).
                segment.flushLog();
            }
            if (!last) {
                segment.seal(rescanned.contains(segment));
            }
        }
        return new Loaded(result, rescanned.isEmpty() && result.size() == opened.size());
    }

    private static void closeAll(List<LogSegment> segments, IOException failure) {
        for (LogSegment segment : segments) {
            try {
                segment.close();
            } catch (IOException closeFailure) {
                failure.addSuppressed(closeFailure);
            }
        }
    }

    /** Removes leftovers and returns the base offsets of the {@code .log} files. */
    private static TreeSet<Long> cleanDirectory(StorageFiles files, Path dir) throws IOException {
        TreeSet<Long> logs = new TreeSet<>();
        List<Path> indexes = new ArrayList<>();
        for (Path file : files.list(dir)) {
            String name = file.getFileName().toString();
            if (name.endsWith(SegmentFiles.DELETED_SUFFIX)) {
                files.deleteIfExists(file);
                continue;
            }
            OptionalLong base = SegmentFiles.parseBaseOffset(name, SegmentFiles.LOG_SUFFIX);
            if (base.isPresent()) {
                logs.add(base.getAsLong());
            } else if (name.endsWith(SegmentFiles.INDEX_SUFFIX) || name.endsWith(SegmentFiles.TIME_INDEX_SUFFIX)) {
                indexes.add(file);
            }
        }
        for (Path index : indexes) {
            String name = index.getFileName().toString();
            OptionalLong base = SegmentFiles.parseBaseOffset(name, SegmentFiles.INDEX_SUFFIX);
            if (base.isEmpty()) {
                base = SegmentFiles.parseBaseOffset(name, SegmentFiles.TIME_INDEX_SUFFIX);
            }
            if (base.isPresent() && !logs.contains(base.getAsLong())) {
                files.deleteIfExists(index);
            }
        }
        return logs;
    }
}
