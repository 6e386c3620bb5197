package dev.backbone.server.log;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The one thread of a {@link LogManager} that fsyncs partition logs: group commit. An appender that needs its
 * data durable queues its partition here (at most once at a time) and waits on its own future; this thread
 * takes the partition, fsyncs everything written so far with one {@code force}, and completes every waiter
 * that the fsync covers. Appenders arriving while an fsync runs queue the partition again and share the next
 * one, so the number of fsyncs grows with time, not with the number of appenders.
 *
 * <p>Thread safety: {@link #request} may be called from any thread.
 */
final class Flusher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Flusher.class.getName());

    private final LinkedBlockingQueue<LocalPartitionLog> queue = new LinkedBlockingQueue<>();
    private final CopyOnWriteArrayList<FlushListener> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    Flusher(String threadName) {
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Asks for a flush of {@code log}; a log already waiting for its turn is not queued twice. */
    void request(LocalPartitionLog log) {
        if (log.markFlushQueued()) {
            queue.add(log);
        }
    }

    void addListener(FlushListener listener) {
        listeners.add(listener);
    }

    void removeListener(FlushListener listener) {
        listeners.remove(listener);
    }

    /** Tells the listeners about one fsync; called by the log on the flushing thread. */
    void flushed(TopicPartition topicPartition, long durationNanos, long offsetsCovered) {
        for (FlushListener listener : listeners) {
            try {
                listener.onFlush(topicPartition, durationNanos, offsetsCovered);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "flush listener " + listener + " failed", e);
            }
        }
    }

    private void run() {
        while (running || !queue.isEmpty()) {
            LocalPartitionLog log;
            try {
                log = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                // Only close() stops this thread, through the flag.
                continue;
            }
            if (log == null) {
                continue;
            }
            // Cleared before the flush, so appends that land during the fsync queue the log for the next one.
            log.clearFlushQueued();
            try {
                log.flushPending();
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "flush of " + log.topicPartition() + " failed", e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
