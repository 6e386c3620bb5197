package dev.backbone.server.http;

import reactor.core.scheduler.Scheduler;

/**
 * The bounded scheduler on which audit chain verifications run: each one reads and hashes a whole partition, so
 * they get threads of their own and never hold up consumes or appends. Closing it disposes the scheduler.
 *
 * @param scheduler a bounded elastic scheduler with a bounded queue
 */
public record AuditScheduler(Scheduler scheduler) implements AutoCloseable {

    @Override
    public void close() {
        scheduler.dispose();
    }
}
