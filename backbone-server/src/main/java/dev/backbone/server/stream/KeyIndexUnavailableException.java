package dev.backbone.server.stream;

import java.nio.file.Path;

/**
 * A key index cannot answer: it is still catching up with its log after opening, it is closed, or a write to
 * its chain file failed (then it stays unavailable until the partition is opened again, which rebuilds it).
 */
public final class KeyIndexUnavailableException extends RuntimeException {

    private final Path directory;

    public KeyIndexUnavailableException(Path directory, String reason, Throwable cause) {
        super("key index in " + directory + " is unavailable: " + reason, cause);
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }
}
