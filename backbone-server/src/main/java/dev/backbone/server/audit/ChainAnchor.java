package dev.backbone.server.audit;

import static dev.backbone.server.audit.ChainDescriptor.ANCHOR_CRC_OFFSET;
import static dev.backbone.server.audit.ChainDescriptor.ANCHOR_LINK_OFFSET;
import static dev.backbone.server.audit.ChainDescriptor.ANCHOR_NEXT_OFFSET_OFFSET;
import static dev.backbone.server.audit.ChainDescriptor.ANCHOR_SIZE;

import dev.backbone.server.log.io.DurableFiles;
import dev.backbone.server.log.io.StorageFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Where the chain continues after retention deleted its oldest segments: the link of the last deleted batch
 * and the offset of the first batch still stored (layout of {@code chain.anchor} in {@link ChainDescriptor}).
 *
 * @param nextOffset the base offset of the first batch after the anchor
 * @param link       the link of the last deleted batch, the previous link of the batch at {@code nextOffset}
 */
public record ChainAnchor(long nextOffset, ChainLink link) {

    public ChainAnchor {
        Objects.requireNonNull(link, "link");
        if (nextOffset < 0) {
            throw new IllegalArgumentException("anchor offset must be >= 0, was " + nextOffset);
        }
    }

    /**
     * Reads {@code chain.anchor} from {@code directory}; empty when there is none.
     *
     * @throws CorruptChainException when the file exists but is not a whole, intact anchor
     */
    public static Optional<ChainAnchor> read(Path directory) throws IOException {
        return read(StorageFiles.real(), directory);
    }

    /** {@link #read(Path)} on {@code files}. */
    public static Optional<ChainAnchor> read(StorageFiles files, Path directory) throws IOException {
        Path file = ChainDescriptor.anchorFile(directory);
        byte[] bytes;
        try {
            bytes = files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (bytes.length != ANCHOR_SIZE) {
            throw new CorruptChainException(file, "anchor file has " + bytes.length + " bytes, expected "
                    + ANCHOR_SIZE);
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        if (buf.getInt(ANCHOR_CRC_OFFSET) != crc(buf)) {
            throw new CorruptChainException(file, "anchor file CRC does not match its content");
        }
        long nextOffset = buf.getLong(ANCHOR_NEXT_OFFSET_OFFSET);
        if (nextOffset < 0) {
            throw new CorruptChainException(file, "anchor offset is negative: " + nextOffset);
        }
        return Optional.of(new ChainAnchor(nextOffset, ChainLink.read(buf, ANCHOR_LINK_OFFSET)));
    }

    /**
     * Replaces {@code chain.anchor} in {@code directory} through {@link DurableFiles}: a crash leaves either the
     * old anchor or this one.
     */
    public void write(DurableFiles durable, Path directory) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(ANCHOR_SIZE);
        buf.putLong(ANCHOR_NEXT_OFFSET_OFFSET, nextOffset);
        link.write(buf, ANCHOR_LINK_OFFSET);
        buf.putInt(ANCHOR_CRC_OFFSET, crc(buf));
        durable.replace(ChainDescriptor.anchorFile(directory), buf);
    }

    private static int crc(ByteBuffer buf) {
        CRC32C crc = new CRC32C();
        crc.update(buf.slice(0, ANCHOR_CRC_OFFSET));
        return (int) crc.getValue();
    }
}
