package dev.backbone.server.log;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one task per item on a few short-lived threads and waits for all of them: opening and closing thousands of
 * partitions at start and stop, where most of the time goes to file system calls and fsyncs that wait for the
 * disk, not for the CPU, so several in flight at once finish sooner than one after the other.
 *
 * <p>Thread safety: stateless; the tasks must be safe to run at the same time as each other.
 */
public final class ParallelTasks {

    /** Threads per run: enough to keep a disk's queue busy, few enough to cost nothing on a small machine. */
    static final int THREADS = 8;

    /** The work for one item. */
    @FunctionalInterface
    public interface Task<I, R> {
        R run(I item) throws Exception;
    }

    /** What one task gave: its value, or the exception it threw ({@code null} when it returned). */
    public record Outcome<I, R>(I item, R value, Exception failure) {
    }

    private ParallelTasks() {
    }

    /**
     * Runs {@code task} on every item and returns the outcomes in the order of {@code items}; a task that throws
     * does not stop the others. Small runs stay on the calling thread.
     *
     * @param threadName the name of the threads, for thread dumps
     */
    public static <I, R> List<Outcome<I, R>> runAll(String threadName, List<I> items, Task<I, R> task) {
        if (items.size() < 2) {
            List<Outcome<I, R>> outcomes = new ArrayList<>(items.size());
            items.forEach(item -> outcomes.add(runOne(item, task)));
            return outcomes;
        }
        AtomicInteger created = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(THREADS, items.size()), runnable -> {
            Thread thread = new Thread(runnable, threadName + "-" + created.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Outcome<I, R>>> futures = new ArrayList<>(items.size());
            for (I item : items) {
                futures.add(pool.submit(() -> runOne(item, task)));
            }
            List<Outcome<I, R>> outcomes = new ArrayList<>(items.size());
            boolean interrupted = false;
            for (int i = 0; i < futures.size(); i++) {
                while (true) {
                    try {
                        outcomes.add(futures.get(i).get());
                        break;
                    } catch (InterruptedException e) {
                        // Every task must be accounted for (a file opened must be closed): finish, then re-interrupt.
                        interrupted = true;
                    } catch (ExecutionException e) {
                        outcomes.add(new Outcome<>(items.get(i), null, new IllegalStateException(e.getCause())));
                        break;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return outcomes;
        } finally {
            pool.shutdown();
        }
    }

    private static <I, R> Outcome<I, R> runOne(I item, Task<I, R> task) {
        try {
            return new Outcome<>(item, task.run(item), null);
        } catch (Exception e) {
            return new Outcome<>(item, null, e);
        }
    }
}
