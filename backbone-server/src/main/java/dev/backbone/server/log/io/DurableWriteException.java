package dev.backbone.server.log.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A durable write ({@link DurableFiles}) failed at one step; carries the file and the step so that the log line
 * says exactly what is known about the file afterwards (see {@link Step}).
 */
public final class DurableWriteException extends IOException {

    /** The step that failed, and what it leaves on disk. */
    public enum Step {
        /** Writing the temp file failed: the target is untouched (the temp file is removed). */
        WRITE_TEMP("write the temp file of"),
        /** fsync of the temp file failed: the target is untouched (the temp file is removed). */
        SYNC_TEMP("fsync the temp file of"),
        /** The rename failed, atomic rename unsupported included: the target is untouched. */
        RENAME("rename the temp file over"),
        /** fsync of the directory failed: the new content is in place but may not survive a power cut. */
        SYNC_DIRECTORY("fsync the directory of");

        private final String description;

        Step(String description) {
            this.description = description;
        }
    }

    private final transient Path file;
    private final Step step;

    public DurableWriteException(Path file, Step step, IOException cause) {
        super("could not " + Objects.requireNonNull(step, "step").description + " " + file + ": " + cause, cause);
        this.file = file;
        this.step = step;
    }

    /** The file being written (for {@link Step#SYNC_DIRECTORY} of a bare directory sync, the directory). */
    public Path file() {
        return file;
    }

    public Step step() {
        return step;
    }
}
