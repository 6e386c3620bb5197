package dev.backbone.server.log.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * The one way the broker replaces a small file durably (checkpoints, topic metadata, key index snapshots, audit
 * anchors): write {@code <name>.tmp}, fsync it, rename it atomically over {@code <name>}, fsync the directory.
 * A crash or power cut at any point leaves either the old or the new content under the name, never a mix.
 *
 * <p>One behaviour on every failure: a {@link DurableWriteException} naming the file and the failed step, never a
 * silent fallback. Before the rename the old file is untouched and the temp file is removed (a failure to remove
 * it is attached as suppressed; {@link #removeLeftoverTemp} cleans up at the next start). A file system without
 * atomic rename fails at {@link DurableWriteException.Step#RENAME}: the broker needs one (every local POSIX file
 * system has it). A failed directory fsync after the rename leaves the new content in place, durable or not.
 *
 * <p>Thread safety: stateless apart from the {@link StorageFiles}; two writers of the same file must be serialized
 * by the caller (they share the temp file name).
 */
public final class DurableFiles {

    /** Appended to a file's name for its temp file. */
    public static final String TEMP_SUFFIX = ".tmp";

    /** Writes the content of a file to a channel positioned at 0. */
    @FunctionalInterface
    public interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    private final StorageFiles files;

    public DurableFiles(StorageFiles files) {
        this.files = Objects.requireNonNull(files, "files");
    }

    public StorageFiles files() {
        return files;
    }

    public static Path tempFileOf(Path file) {
        return file.resolveSibling(file.getFileName() + TEMP_SUFFIX);
    }

    /** Replaces {@code file} with {@code content}, position to limit (the buffer itself is not moved). */
    public void replace(Path file, ByteBuffer content) throws IOException {
        replace(file, channel -> {
            ByteBuffer src = content.duplicate();
            while (src.hasRemaining()) {
                channel.write(src);
            }
        });
    }

    public void replace(Path file, byte[] content) throws IOException {
        replace(file, ByteBuffer.wrap(content));
    }

    /** Replaces {@code file} with what {@code content} writes. */
    public void replace(Path file, Content content) throws IOException {
        Path temp = tempFileOf(file);
        try (FileChannel channel = openTemp(file, temp)) {
            try {
                content.writeTo(channel);
            } catch (IOException e) {
                throw removingTemp(temp, new DurableWriteException(file, DurableWriteException.Step.WRITE_TEMP, e));
            }
            try {
                channel.force(true);
            } catch (IOException e) {
                throw removingTemp(temp, new DurableWriteException(file, DurableWriteException.Step.SYNC_TEMP, e));
            }
        }
        try {
            files.moveAtomically(temp, file);
        } catch (IOException e) {
            throw removingTemp(temp, new DurableWriteException(file, DurableWriteException.Step.RENAME, e));
        }
        syncDirectoryOf(file);
    }

    private FileChannel openTemp(Path file, Path temp) throws DurableWriteException {
        try {
            return files.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new DurableWriteException(file, DurableWriteException.Step.WRITE_TEMP, e);
        }
    }

    private DurableWriteException removingTemp(Path temp, DurableWriteException failure) {
        try {
            files.deleteIfExists(temp);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
        return failure;
    }

    /** Makes a new, renamed or removed entry of {@code file}'s directory durable. */
    public void syncDirectoryOf(Path file) throws DurableWriteException {
        Path dir = file.toAbsolutePath().getParent();
        try {
            files.syncDirectory(dir);
        } catch (IOException e) {
            throw new DurableWriteException(file, DurableWriteException.Step.SYNC_DIRECTORY, e);
        }
    }

    /** fsync of a directory itself. */
    public void syncDirectory(Path dir) throws DurableWriteException {
        try {
            files.syncDirectory(dir);
        } catch (IOException e) {
            throw new DurableWriteException(dir, DurableWriteException.Step.SYNC_DIRECTORY, e);
        }
    }

    /**
     * Creates {@code dir} and its missing parents durably: each directory that did not exist is fsynced into its
     * parent, from the top down, so that after a power cut a file synced inside it can be found.
     */
    public void createDirectories(Path dir) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path at = dir.toAbsolutePath(); at != null && !files.isDirectory(at); at = at.getParent()) {
            missing.push(at);
        }
        if (missing.isEmpty()) {
            return;
        }
        files.createDirectories(dir);
        for (Path created : missing) {
            syncDirectoryOf(created);
        }
    }

    /** Removes a temp file a crash left behind; true when there was one. */
    public boolean removeLeftoverTemp(Path file) throws IOException {
        return files.deleteIfExists(tempFileOf(file));
    }

    /** Removes {@code file} and makes the removal durable; false when it did not exist. */
    public boolean delete(Path file) throws IOException {
        if (!files.deleteIfExists(file)) {
            return false;
        }
        syncDirectoryOf(file);
        return true;
    }
}
