package dev.backbone.server.http;

import reactor.core.scheduler.Scheduler;

/**
 * The bounded scheduler for blocking engine calls (appends, fsync, topic creation and deletion), kept apart from
 * the read scheduler so a burst of synced appends never delays a consumer. Closing it disposes the scheduler.
 *
 * @param scheduler a bounded elastic scheduler
 */
public record BlockingScheduler(Scheduler scheduler) implements AutoCloseable {

    @Override
    public void close() {
        scheduler.dispose();
    }
}
