package dev.backbone.server.stream;

import dev.backbone.server.log.LogSlice;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the bytes of {@link LogSlice}s, keeping each segment file it opened open until closed, so that a key
 * read touching many batches of one segment opens it once.
 *
 * <p>Thread safety: confined to one thread, for one read.
 */
final class SegmentReader implements Closeable {

    private final Map<Path, FileChannel> channels = new HashMap<>();

    /** The slice's bytes, position 0 to limit. */
    ByteBuffer read(LogSlice slice) throws IOException {
        FileChannel channel = channels.get(slice.segmentFile());
        if (channel == null) {
            channel = slice.openChannel();
            channels.put(slice.segmentFile(), channel);
        }
        ByteBuffer buf = ByteBuffer.allocate(slice.sizeBytes());
        long position = slice.position();
        while (buf.hasRemaining()) {
            int n = channel.read(buf, position);
            if (n < 0) {
                throw new EOFException("segment " + slice.segmentFile() + " ends at " + position + " inside a slice of "
                        + slice.sizeBytes() + " bytes from " + slice.position());
            }
            position += n;
        }
        return buf.flip();
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (FileChannel channel : channels.values()) {
            try {
                channel.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        channels.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
