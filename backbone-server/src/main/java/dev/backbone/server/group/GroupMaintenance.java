package dev.backbone.server.group;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The groups' background chores on one daemon thread: dropping expired sessions (so the other members hear of
 * the rebalance on their next heartbeat rather than only when someone touches the group) and periodic tasks
 * such as refreshing the lag gauge and the offsets topic.
 *
 * <p>Thread safety: thread-safe; {@link #close()} stops the chores and waits briefly for the running one.
 */
public final class GroupMaintenance implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(GroupMaintenance.class.getName());

    private final ScheduledExecutorService executor;

    public GroupMaintenance(GroupCoordinator coordinator, Duration sessionCheckInterval) {
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "backbone-groups");
            thread.setDaemon(true);
            return thread;
        });
        schedule(coordinator::expireSessions, sessionCheckInterval);
    }

    /** Runs {@code task} every {@code interval} on the chores thread; a failing round is logged and retried. */
    public void schedule(Runnable task, Duration interval) {
        long ms = Math.max(1, interval.toMillis());
        executor.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                // A failed round must not cancel the schedule; the next one tries again.
                LOG.log(Level.WARNING, "group maintenance task failed", e);
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }
}
