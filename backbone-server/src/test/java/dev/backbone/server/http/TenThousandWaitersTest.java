package dev.backbone.server.http;

import static dev.backbone.server.http.LongPollTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.server.testing.ChildJvm;
import dev.backbone.server.testing.ChildOutput;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.MediaType;

/**
 * 10,000 consumes park on one partition at once: they hold no thread, the broker's heap grows by a bounded amount
 * per waiter, one append answers all of them with the record, and afterwards no waiter is left. The clients live
 * in a child JVM (its sockets count against its own descriptor limit).
 */
class TenThousandWaitersTest {

    private static final int WAITERS = 10_000;
    /** Heap the broker may spend per parked consume, connection included. */
    private static final long MAX_BYTES_PER_WAITER = 32 * 1024;

    @TempDir
    Path dataDir;

    @Test
    void tenThousandParkedConsumesAreCheapAndAllWokenByOneAppend() throws Exception {
        long t0 = System.nanoTime();
        try (BrokerProcess broker = BrokerProcess.start(dataDir, "backbone.long-poll.max-wait=120s")) {
            System.out.println("PHASE started " + (System.nanoTime() - t0) / 1_000_000);
            LongPollWaiters waiters = broker.bean(LongPollWaiters.class);
            broker.client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"name\": \"swarm\"}").exchange().expectStatus().isCreated();
            int threadsBefore = Thread.activeCount();
            long heapBefore = usedHeapAfterGc();

            Process swarm = ChildJvm.command(List.of("-Xmx128m"), LongPollSwarm.class, "127.0.0.1",
                    Integer.toString(broker.port()), "/v1/topics/swarm/partitions/0/records?offset=0&maxWaitMs=110000",
                    Integer.toString(WAITERS), "\"wake-up\"", "100").redirectErrorStream(true).start();
            ChildOutput output = ChildOutput.follow(swarm, "swarm-output");
            try {
                output.awaitLine("SENT", 90);
                System.out.println("PHASE sent " + (System.nanoTime() - t0) / 1_000_000);
                awaitTrue(() -> waiters.waiting() == WAITERS, "all " + WAITERS + " consumes parked", 60);
                System.out.println("PHASE parked " + (System.nanoTime() - t0) / 1_000_000);
                long heapWaiting = usedHeapAfterGc();
                int threadsWaiting = Thread.activeCount();
                long perWaiter = (heapWaiting - heapBefore) / WAITERS;
                System.out.printf(Locale.ROOT, "%d waiters: heap %d -> %d MiB (%d bytes each), threads %d -> %d%n",
                        WAITERS, heapBefore >> 20, heapWaiting >> 20, perWaiter, threadsBefore, threadsWaiting);
                assertThat(perWaiter).isLessThan(MAX_BYTES_PER_WAITER);
                assertThat(threadsWaiting - threadsBefore).as("threads started for waiters").isLessThan(50);

                broker.client().post().uri("/v1/topics/swarm/records").contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"records\": [{\"value\": \"wake-up\"}]}").exchange().expectStatus().isOk();
                String done = output.awaitLine("DONE", 90);
                System.out.println("PHASE done " + (System.nanoTime() - t0) / 1_000_000);
                assertThat(done).isEqualTo("DONE ok=" + WAITERS + " failed=0");
                awaitTrue(() -> waiters.waiting() == 0, "no waiter left", 30);
            } finally {
                swarm.destroyForcibly();
                swarm.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
