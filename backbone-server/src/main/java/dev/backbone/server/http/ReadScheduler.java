package dev.backbone.server.http;

import reactor.core.scheduler.Scheduler;

/**
 * The bounded scheduler on which log reads run, off the event loop. Closing it disposes the scheduler.
 *
 * @param scheduler a bounded elastic scheduler
 */
public record ReadScheduler(Scheduler scheduler) implements AutoCloseable {

    @Override
    public void close() {
        scheduler.dispose();
    }
}
