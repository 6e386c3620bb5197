package dev.backbone.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class FileSafeSchedulerTest {

    private static final long WAIT_SECONDS = 10;

    @TempDir
    Path dir;

    /**
     * A read whose fetch is cancelled while it runs keeps its file open; with Reactor's bounded elastic scheduler
     * the same cancellation interrupts the read, which closes the channel for every later reader.
     */
    @Test
    void aTaskCancelledWhileItRunsIsNotInterruptedAndItsFileStaysOpen() throws Exception {
        Scheduler fileSafe = new FileSafeScheduler(2, 16, "test-file-safe");
        Scheduler elastic = Schedulers.newBoundedElastic(2, 16, "test-elastic");
        try {
            assertThat(cancelWhileReading(fileSafe)).as("interrupted on FileSafeScheduler").isFalse();
            assertThat(cancelWhileReading(elastic)).as("interrupted on bounded elastic").isTrue();
        } finally {
            fileSafe.dispose();
            elastic.dispose();
        }
    }

    /** Answers whether the reading task was interrupted; asserts the channel's state matches. */
    private boolean cancelWhileReading(Scheduler scheduler) throws Exception {
        Path file = Files.write(dir.resolve("segment-" + System.nanoTime() + ".log"), new byte[] {1, 2, 3, 4});
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(1);
            AtomicBoolean interrupted = new AtomicBoolean();
            Disposable fetch = Mono.fromCallable(() -> {
                try {
                    started.countDown();
                    if (!release.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                    }
                } catch (InterruptedException e) {
                    interrupted.set(true);
                    Thread.currentThread().interrupt();
                }
                try {
                    return channel.read(ByteBuffer.allocate(4), 0);
                } finally {
                    done.countDown();
                }
            }).subscribeOn(scheduler).subscribe(n -> { }, e -> { });
            assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            fetch.dispose();
            release.countDown();
            assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(channel.isOpen()).isEqualTo(!interrupted.get());
            return interrupted.get();
        }
    }

    @Test
    void tasksBeyondTheThreadsAndTheQueueAreRejected() throws Exception {
        FileSafeScheduler scheduler = new FileSafeScheduler(1, 1, "test-bounded");
        CountDownLatch release = new CountDownLatch(1);
        try {
            Mono<String> blocked = Mono.fromCallable(() -> release.await(WAIT_SECONDS, TimeUnit.SECONDS) ? "ran"
                    : "timed out").subscribeOn(scheduler);
            Disposable running = blocked.subscribe();
            Disposable queued = blocked.subscribe();
            StepVerifier.create(blocked).expectError(RejectedExecutionException.class)
                    .verify(Duration.ofSeconds(WAIT_SECONDS));
            running.dispose();
            queued.dispose();
        } finally {
            release.countDown();
            scheduler.dispose();
        }
    }

    @Test
    void disposingLetsTheRunningTaskFinishUninterrupted() throws Exception {
        FileSafeScheduler scheduler = new FileSafeScheduler(1, 4, "test-dispose");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        scheduler.schedule(() -> {
            started.countDown();
            try {
                release.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
            finished.countDown();
        });
        assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        scheduler.dispose();
        assertThat(scheduler.isDisposed()).isTrue();
        release.countDown();
        assertThat(finished.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(interrupted).isFalse();
    }
}
