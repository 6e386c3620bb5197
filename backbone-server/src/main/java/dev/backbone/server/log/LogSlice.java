package dev.backbone.server.log;

import dev.backbone.server.log.io.StorageFiles;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A run of whole batches in one segment file, ready to be sent as it is (sendfile) or read.
 *
 * <p>A slice never crosses a segment boundary and always starts and ends on a batch boundary. It is
 * empty ({@code sizeBytes == 0}) when the requested offset equals the visible end of the log.
 *
 * <p>Retention may delete the segment between the read that made the slice and the opening of its file. It
 * renames the file with a {@code .deleted} suffix and removes it only after the file delete delay, so
 * {@link #openChannel} and {@link #currentFile} look for it under that name too: a reader that was handed
 * the slice still gets the bytes it was promised.
 *
 * @param segmentFile the {@code .log} file that holds the bytes
 * @param position    the byte position of the first batch in that file
 * @param sizeBytes   the number of bytes, a whole number of batches
 * @param firstOffset the base offset of the first batch (may be below the requested offset, as in Kafka)
 * @param nextOffset  the offset to ask for next: one past the last record of the last batch
 * @param files       the file system the segment lives on
 */
public record LogSlice(Path segmentFile, long position, int sizeBytes, long firstOffset, long nextOffset,
                       StorageFiles files) {

    public boolean isEmpty() {
        return sizeBytes == 0;
    }

    /** Opens the slice's file for reading, under its own name or the one retention gave it. */
    public FileChannel openChannel() throws IOException {
        try {
            return files.open(segmentFile, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            try {
                return files.open(deletedFile(), StandardOpenOption.READ);
            } catch (NoSuchFileException gone) {
                throw e;
            }
        }
    }

    /**
     * The name the slice's file has now: {@link #segmentFile}, or its {@code .deleted} name once retention
     * renamed it. For callers that must hand a path on (sendfile); a rename can still fall between this call and
     * their opening of the file.
     */
    public Path currentFile() {
        Path deleted = deletedFile();
        return files.exists(segmentFile) || !files.exists(deleted) ? segmentFile : deleted;
    }

    private Path deletedFile() {
        return segmentFile.resolveSibling(segmentFile.getFileName() + SegmentFiles.DELETED_SUFFIX);
    }
}
