package dev.backbone.server.stream;

import java.nio.file.Path;

/**
 * A key index cannot answer: it is still catching up with its log after opening, it is closed, or a write to
 * its chain file failed (then it stays unavailable until the partition is opened again, which rebuilds it).
 */
public final class KeyIndexUnavailableException extends RuntimeException {

    private final Path directory;
    private final String reason;

    /** @param directory the index's directory, or null when the partition has no open index */
    public KeyIndexUnavailableException(Path directory, String reason, Throwable cause) {
        super(directory == null ? "key index is unavailable: " + reason
                : "key index in " + directory + " is unavailable: " + reason, cause);
        this.directory = directory;
        this.reason = reason;
    }

    /** The index's directory, or null. */
    public Path directory() {
        return directory;
    }

    /** Why, without file names: fit for a client. */
    public String reason() {
        return reason;
    }
}
