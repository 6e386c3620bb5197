package dev.backbone.server.log;

import java.nio.file.Path;

/**
 * A run of whole batches in one segment file, ready to be sent as it is (sendfile) or read.
 *
 * <p>A slice never crosses a segment boundary and always starts and ends on a batch boundary. It is
 * empty ({@code sizeBytes == 0}) when the requested offset equals the visible end of the log.
 *
 * @param segmentFile the {@code .log} file that holds the bytes
 * @param position    the byte position of the first batch in that file
 * @param sizeBytes   the number of bytes, a whole number of batches
 * @param firstOffset the base offset of the first batch (may be below the requested offset, as in Kafka)
 * @param nextOffset  the offset to ask for next: one past the last record of the last batch
 */
public record LogSlice(Path segmentFile, long position, int sizeBytes, long firstOffset, long nextOffset) {

    public boolean isEmpty() {
        return sizeBytes == 0;
    }
}
