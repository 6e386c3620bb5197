package dev.backbone.server.log.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The one door through which the storage engine and the stores built on it (topic metadata, key index, audit
 * chain) touch the file system: opening channels (whose writes, truncations and fsyncs then go to that channel),
 * directory entries (create, rename, delete, list) and directory fsync.
 *
 * <p>The broker runs on {@link #real()}, a thin pass-through to {@code java.nio.file}. Tests run the same code on
 * a simulated disk that remembers what was synced and can cut the power, which is the only way to show that
 * every fsync the engine relies on is really made (a killed process keeps the page cache; a power cut does not).
 *
 * <p>Paths are absolute or relative as the caller builds them; an implementation may refuse paths outside the
 * directory it simulates. Thread safety: implementations are safe for concurrent use.
 */
public interface StorageFiles {

    /** The real file system. */
    static StorageFiles real() {
        return RealStorageFiles.INSTANCE;
    }

    /** Opens (and with {@link StandardOpenOption#CREATE} or {@code CREATE_NEW} creates) a file. */
    FileChannel open(Path file, OpenOption... options) throws IOException;

    /**
     * The first {@code sizeBytes} of an open file as a read-only buffer that stays valid after the channel is
     * closed and costs no heap on the real file system (a memory map).
     */
    ByteBuffer mapReadOnly(FileChannel channel, long sizeBytes) throws IOException;

    /** Creates the directory and any missing parents; nothing when it exists. Not durable until synced. */
    void createDirectories(Path dir) throws IOException;

    /** Creates an empty file; fails with {@code FileAlreadyExistsException} when it exists. */
    void createFile(Path file) throws IOException;

    boolean exists(Path path);

    boolean isDirectory(Path path);

    /** The entries of a directory (files and directories), in no particular order. */
    List<Path> list(Path dir) throws IOException;

    /** The size in bytes of a file. */
    long size(Path file) throws IOException;

    /** The last modification time of a file, in ms since the epoch. */
    long lastModifiedMillis(Path file) throws IOException;

    /**
     * Renames atomically, replacing {@code to} when it exists; a file system without atomic rename fails with
     * {@code AtomicMoveNotSupportedException} (there is no non-atomic fallback). Durable once the directories
     * of both names are synced.
     */
    void moveAtomically(Path from, Path to) throws IOException;

    /** Removes a file or an empty directory; false when it did not exist. Durable once its directory is synced. */
    boolean deleteIfExists(Path path) throws IOException;

    /** fsync of a directory: makes the creation, renaming and removal of its entries durable. */
    void syncDirectory(Path dir) throws IOException;

    /** The whole content of a file; {@link NoSuchFileException} when it is missing. */
    default byte[] readAllBytes(Path file) throws IOException {
        try (FileChannel channel = open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new IOException("file " + file + " is too large to read at once: " + size + " bytes");
            }
            ByteBuffer bytes = ByteBuffer.allocate((int) size);
            while (bytes.hasRemaining()) {
                if (channel.read(bytes, bytes.position()) < 0) {
                    break;
                }
            }
            return bytes.position() == bytes.capacity() ? bytes.array()
                    : java.util.Arrays.copyOf(bytes.array(), bytes.position());
        }
    }
}
