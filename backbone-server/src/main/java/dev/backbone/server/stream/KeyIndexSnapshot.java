package dev.backbone.server.stream;

import dev.backbone.server.log.io.DurableFiles;
import dev.backbone.server.log.io.StorageFiles;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The key table saved at a clean close ({@value #FILE_NAME}), so that the next open need not read the whole
 * chain file. Big-endian:
 *
 * <pre>
 *  magic int32 ("BKIX") | format int32 (1) | chainSize int64 | coveredOffset int64 | keyCount int32
 *  keyCount times: hash int64 | headPosition int64 | version int32
 *  crc int32 (CRC-32C of every byte before it)
 * </pre>
 *
 * <p>{@code chainSize} is the length of the chain file the table describes and {@code coveredOffset} the log
 * offset up to which every record had been indexed. The snapshot stays valid while the chain only grows:
 * after a crash, the table is loaded and the entries after {@code chainSize} are applied. It is written through
 * {@link DurableFiles}, so it is either whole or absent; a damaged one is ignored.
 *
 * <p>Thread safety: stateless.
 */
final class KeyIndexSnapshot {

    static final String FILE_NAME = "keys.snapshot";
    private static final int MAGIC = 0x424B4958;
    private static final int FORMAT = 1;
    private static final int HEADER_SIZE = 4 + 4 + 8 + 8 + 4;
    private static final int SLOT_SIZE = 8 + 8 + 4;

    /** What a valid snapshot says about the chain it describes. */
    record Header(long chainSize, long coveredOffset, int keyCount) {
    }

    private KeyIndexSnapshot() {
    }

    static void write(DurableFiles durable, Path directory, long chainSize, long coveredOffset, KeyTable table)
            throws IOException {
        durable.replace(directory.resolve(FILE_NAME), channel -> {
            CRC32C crc = new CRC32C();
            OutputStream out = Channels.newOutputStream(channel);
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            buf.putInt(MAGIC).putInt(FORMAT).putLong(chainSize).putLong(coveredOffset).putInt(table.size());
            table.forEach((hash, head, version) -> {
                if (buf.remaining() < SLOT_SIZE) {
                    drain(buf, crc, out);
                }
                buf.putLong(hash).putLong(head).putInt(version);
            });
            if (buf.remaining() < 4) {
                drain(buf, crc, out);
            }
            drain(buf, crc, out);
            buf.putInt((int) crc.getValue());
            buf.flip();
            out.write(buf.array(), 0, buf.limit());
            out.flush();
        });
    }

    /**
     * Loads the snapshot into an empty {@code table}.
     *
     * @return its header, or empty when there is none or it is damaged (then the table is left empty)
     */
    static Optional<Header> read(StorageFiles files, Path directory, KeyTable table) throws IOException {
        Path file = directory.resolve(FILE_NAME);
        byte[] bytes;
        try {
            bytes = files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        if (bytes.length < HEADER_SIZE + 4 || buf.getInt(0) != MAGIC || buf.getInt(4) != FORMAT) {
            return Optional.empty();
        }
        int keyCount = buf.getInt(24);
        if (keyCount < 0 || (long) HEADER_SIZE + (long) keyCount * SLOT_SIZE + 4 != bytes.length) {
            return Optional.empty();
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != buf.getInt(bytes.length - 4)) {
            return Optional.empty();
        }
        buf.position(HEADER_SIZE);
        for (int i = 0; i < keyCount; i++) {
            table.load(buf.getLong(), buf.getLong(), buf.getInt());
        }
        return Optional.of(new Header(buf.getLong(8), buf.getLong(16), keyCount));
    }

    /** Removes the snapshot durably, so that a power cut cannot bring it back to describe a changed chain. */
    static void delete(DurableFiles durable, Path directory) throws IOException {
        durable.delete(directory.resolve(FILE_NAME));
    }

    private static void drain(ByteBuffer buf, CRC32C crc, OutputStream out) throws IOException {
        buf.flip();
        crc.update(buf.array(), 0, buf.limit());
        out.write(buf.array(), 0, buf.limit());
        buf.clear();
    }
}
