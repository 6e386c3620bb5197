package dev.backbone.server.audit;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The chain computed the plainest way, from the definition in docs/AUDIT-CHAIN.md and nothing else: every
 * segment file in name order, batch after batch, {@code link = SHA-256(link || batch bytes)} starting from the
 * anchor (or 32 zero bytes). The model the tests compare the real implementation against.
 */
final class PlainChainModel {

    record Head(long lastOffset, String hex, long batches) {
    }

    private PlainChainModel() {
    }

    static Head head(Path directory) throws Exception {
        byte[] link = new byte[32];
        long lastOffset = -1;
        Path anchor = directory.resolve("chain.anchor");
        if (Files.exists(anchor)) {
            ByteBuffer a = ByteBuffer.wrap(Files.readAllBytes(anchor));
            lastOffset = a.getLong(0) - 1;
            a.get(8, link);
        }
        List<Path> segments;
        try (Stream<Path> files = Files.list(directory)) {
            segments = files.filter(p -> p.getFileName().toString().matches("\\d{20}\\.log")).sorted().toList();
        }
        long batches = 0;
        for (Path segment : segments) {
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(segment));
            int at = 0;
            // An open segment may end in zeros written ahead of sync appends: the data stops there.
            while (at + 12 <= bytes.limit() && bytes.getInt(at + 8) != 0) {
                int size = 12 + bytes.getInt(at + 8);
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                sha.update(link);
                sha.update(bytes.slice(at, size));
                link = sha.digest();
                lastOffset = bytes.getLong(at) + bytes.getInt(at + 23);
                batches++;
                at += size;
            }
        }
        return new Head(lastOffset, HexFormat.of().formatHex(link), batches);
    }

    static Head of(ChainHead head) {
        return new Head(head.offset(), head.link().hex(), head.batches());
    }

}
