package dev.backbone.server.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Makes a directory's entries (created, renamed or deleted files) durable. Thread safety: stateless. */
final class Directories {

    private Directories() {
    }

    static void fsync(Path directory) throws IOException {
        // Linux allows fsync on a directory opened read-only; other systems may refuse, and then the rename is
        // as durable as the platform makes it.
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
                throw e;
            }
        }
    }
}
