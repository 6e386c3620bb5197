package dev.backbone.server.audit;

import java.nio.file.Path;

/** A chain file (entries or anchor) cannot be read as written: damaged, or not a chain file at all. */
public final class CorruptChainException extends RuntimeException {

    private final Path file;

    public CorruptChainException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
