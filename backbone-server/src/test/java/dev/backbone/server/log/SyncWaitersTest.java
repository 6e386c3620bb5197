package dev.backbone.server.log;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Wake-ups passed on from waiter to waiter reach every covered waiter and no other. */
class SyncWaitersTest {

    private static final TopicPartition TP = new TopicPartition("waiters", 0);

    /** Parked threads and asynchronous callbacks mixed at random: the fan-out must not skip either kind. */
    @Test
    void eachFsyncWakesExactlyTheWaitersItCovers() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        SyncWaiters waiters = new SyncWaiters();
        int count = 200;
        List<Thread> threads = new ArrayList<>();
        AtomicLong highestWoken = new AtomicLong(-1);
        CountDownLatch[] woken = new CountDownLatch[count];
        for (int i = 0; i < count; i++) {
            long endOffset = i + 1L;
            boolean parks = random.nextBoolean();
            SyncWaiters.Waiter waiter = waiters.add(endOffset, parks);
            woken[i] = new CountDownLatch(1);
            CountDownLatch done = woken[i];
            if (!parks) {
                waiter.acknowledged(TP).thenRun(() -> {
                    highestWoken.accumulateAndGet(endOffset, Math::max);
                    done.countDown();
                });
                continue;
            }
            Thread thread = new Thread(() -> {
                try {
                    waiter.await(TP);
                    highestWoken.accumulateAndGet(endOffset, Math::max);
                    done.countDown();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            thread.start();
            threads.add(thread);
        }
        int durable = 0;
        while (durable < count) {
            durable = Math.min(count, durable + 1 + random.nextInt(40));
            waiters.completeUpTo(durable);
            for (int i = 0; i < durable; i++) {
                assertThat(woken[i].await(10, TimeUnit.SECONDS)).as("waiter %d, durable %d, seed %d", i, durable, seed)
                        .isTrue();
            }
            assertThat(highestWoken.get()).as("seed %d", seed).isEqualTo(durable);
        }
        for (Thread thread : threads) {
            thread.join(10_000);
        }
    }

    @Test
    void aFailedFsyncFailsEveryWaiter() throws Exception {
        SyncWaiters waiters = new SyncWaiters();
        SyncWaiters.Waiter first = waiters.add(1, true);
        SyncWaiters.Waiter second = waiters.add(2, true);
        waiters.failAll(new IOException("disk gone"));
        for (SyncWaiters.Waiter waiter : List.of(first, second)) {
            try {
                waiter.await(TP);
                throw new AssertionError("await returned after a failed fsync");
            } catch (IOException e) {
                assertThat(e).isInstanceOf(FsyncFailedException.class).hasMessageContaining("disk gone");
            }
        }
    }

    @Test
    void aFailedFsyncFailsAnAsynchronousWaiterWithTheIoException() {
        SyncWaiters waiters = new SyncWaiters();
        SyncWaiters.Waiter waiter = waiters.add(1, false);
        CompletableFuture<Void> acknowledged = waiter.acknowledged(TP);
        waiters.failAll(new IOException("disk gone"));
        assertThatThrownBy(acknowledged::join).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(FsyncFailedException.class).hasMessageContaining("fsync of waiters-0 failed: disk gone");
    }
}
