package dev.backbone.server.log;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Names of the files of one partition directory: {@code <20-digit base offset>.log}, {@code .index},
 * {@code .timeindex}; a segment deleted by retention is renamed with a {@code .deleted} suffix until its
 * files are removed.
 */
final class SegmentFiles {

    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    static final String TIME_INDEX_SUFFIX = ".timeindex";
    static final String DELETED_SUFFIX = ".deleted";
    private static final int DIGITS = 20;

    private SegmentFiles() {
    }

    static String baseName(long baseOffset) {
        String digits = Long.toString(baseOffset);
        return "0".repeat(DIGITS - digits.length()) + digits;
    }

    static Path logFile(Path dir, long baseOffset) {
        return dir.resolve(baseName(baseOffset) + LOG_SUFFIX);
    }

    static Path indexFile(Path dir, long baseOffset) {
        return dir.resolve(baseName(baseOffset) + INDEX_SUFFIX);
    }

    static Path timeIndexFile(Path dir, long baseOffset) {
        return dir.resolve(baseName(baseOffset) + TIME_INDEX_SUFFIX);
    }

    /** The base offset named by a segment file, if {@code fileName} is {@code <20 digits><suffix>}. */
    static OptionalLong parseBaseOffset(String fileName, String suffix) {
        if (!fileName.endsWith(suffix) || fileName.length() != DIGITS + suffix.length()) {
            return OptionalLong.empty();
        }
        for (int i = 0; i < DIGITS; i++) {
            if (!Character.isDigit(fileName.charAt(i))) {
                return OptionalLong.empty();
            }
        }
        try {
            return OptionalLong.of(Long.parseLong(fileName.substring(0, DIGITS)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
