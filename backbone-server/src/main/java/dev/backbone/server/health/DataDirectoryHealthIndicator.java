package dev.backbone.server.health;

import dev.backbone.server.topic.StorageGuard;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The data directory: present and writable, with its free space against the reserve below which writes are
 * refused. DOWN when the broker cannot write (missing, read-only, or below the reserve); reads may still be served,
 * which is why this component is in the overall health but not in the readiness group.
 *
 * <p>Thread safety: stateless apart from the thread-safe guard.
 */
public final class DataDirectoryHealthIndicator extends AbstractHealthIndicator {

    private final StorageGuard guard;

    public DataDirectoryHealthIndicator(StorageGuard guard) {
        super("data directory health check failed");
        this.guard = guard;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Path dir = guard.dataDir();
        boolean writable = Files.isDirectory(dir) && Files.isWritable(dir);
        long free = guard.freeBytes();
        boolean enough = free >= guard.minFreeBytes();
        (writable && enough ? builder.up() : builder.down())
                .withDetail("path", dir.toAbsolutePath().toString())
                .withDetail("writable", writable)
                .withDetail("freeBytes", free)
                .withDetail("minFreeBytes", guard.minFreeBytes())
                .withDetail("writesRefused", !enough);
    }
}
