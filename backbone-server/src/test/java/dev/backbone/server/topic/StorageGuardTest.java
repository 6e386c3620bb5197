package dev.backbone.server.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import dev.backbone.server.log.FsyncFailedException;
import dev.backbone.server.log.TopicPartition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageGuardTest {

    @TempDir
    Path dir;

    @Test
    void theRealFileSystemIsReadAndTheReserveApplies() throws IOException {
        long free = Files.getFileStore(dir).getUsableSpace();
        assertThat(new StorageGuard(dir, 0).writable()).isTrue();
        StorageGuard full = new StorageGuard(dir, free + (1L << 40));
        assertThat(full.writable()).isFalse();
        assertThatThrownBy(full::checkWritable).isInstanceOf(BackboneException.class)
                .satisfies(e -> assertThat(((BackboneException) e).type()).isEqualTo(ProblemType.INSUFFICIENT_STORAGE))
                .satisfies(e -> assertThat(((BackboneException) e).properties()).containsKeys("freeBytes",
                        "minFreeBytes"));
    }

    @Test
    void freedSpaceIsNoticedAgain() throws InterruptedException {
        AtomicLong free = new AtomicLong(10);
        StorageGuard guard = new StorageGuard(dir, 100, free::get);
        assertThat(guard.writable()).isFalse();
        free.set(1000);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!guard.writable() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(guard.writable()).isTrue();
    }

    @Test
    void aRefusedWriteBecomes507WithTheReason() {
        StorageGuard guard = new StorageGuard(dir, 0, () -> 1);
        BackboneException e = guard.writeFailed("orders-0", new IOException("No space left on device"));
        assertThat(e.type()).isEqualTo(ProblemType.INSUFFICIENT_STORAGE);
        assertThat(e.detail()).contains("orders-0").contains("No space left on device");
    }

    @Test
    void aFailedFsyncAfterTheWriteBecomes500DurabilityUnknownNot507() {
        StorageGuard guard = new StorageGuard(dir, 0, () -> 1);
        BackboneException e = guard.writeFailed("orders-0",
                new FsyncFailedException(new TopicPartition("orders", 0), new IOException("Input/output error")));
        assertThat(e.type()).isEqualTo(ProblemType.DURABILITY_UNKNOWN);
        assertThat(e.type().status()).isEqualTo(500);
        assertThat(e.detail()).contains("orders-0").contains("Input/output error").contains("may or may not")
                .doesNotContain("nothing was appended");
    }
}
