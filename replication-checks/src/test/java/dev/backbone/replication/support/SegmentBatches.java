package dev.backbone.replication.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the record batches of a partition directory's segment files ({@code <20-digit base offset>.log}, in offset
 * order) straight from disk and digests them: the batches only, header and records byte for byte, without the
 * zeros a segment may hold past its last batch (written ahead of {@code sync} appends) or a torn tail. Each batch
 * starts with its base offset (int64) and its length (int32, the bytes after these twelve).
 *
 * <p>Thread safety: stateless.
 */
public final class SegmentBatches {

    private static final int LOG_OVERHEAD = 12;
    private static final int LAST_OFFSET_DELTA_POSITION = 23;

    /**
     * The digest of a partition's batches.
     *
     * @param sha256 SHA-256 over every batch, in order, lower-case hex
     * @param batches how many batches
     * @param lastOffset the last offset of the last batch, or -1 when there is none
     */
    public record Digest(String sha256, long batches, long lastOffset) {
    }

    private SegmentBatches() {
    }

    public static Digest digest(Path partitionDirectory) {
        MessageDigest sha256 = sha256();
        long batches = 0;
        long lastOffset = -1;
        for (Path segment : segments(partitionDirectory)) {
            try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
                ByteBuffer file = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
                int position = 0;
                while (position + LOG_OVERHEAD <= file.limit()) {
                    long baseOffset = file.getLong(position);
                    int length = file.getInt(position + 8);
                    if (length <= 0 || position + LOG_OVERHEAD + length > file.limit()) {
                        break;
                    }
                    sha256.update(file.slice(position, LOG_OVERHEAD + length));
                    lastOffset = baseOffset + file.getInt(position + LAST_OFFSET_DELTA_POSITION);
                    batches++;
                    position += LOG_OVERHEAD + length;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + segment, e);
            }
        }
        return new Digest(HexFormat.of().formatHex(sha256.digest()), batches, lastOffset);
    }

    private static List<Path> segments(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("\\d{20}\\.log")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir, e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
