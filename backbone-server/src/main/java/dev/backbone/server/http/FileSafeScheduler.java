package dev.backbone.server.http;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A bounded scheduler for engine calls that touch files, whose tasks are never interrupted when their subscriber
 * cancels.
 *
 * <p>Why: a {@code FileChannel} is an interruptible channel, so a thread interrupted while it reads, writes or
 * forces one closes the channel for good, and every later read of that segment fails. Reactor's bounded elastic
 * scheduler interrupts a running task when its subscription is cancelled, and a subscription is cancelled whenever
 * a client closes its connection or drops a request in flight (a consumer dropping a read-ahead, a timeout): one
 * cancelled fetch at the wrong moment took a partition down until the broker restarted. Here a cancelled task that
 * has not started is skipped, and one that has started runs to its end; its result goes nowhere.
 *
 * <p>At most {@code threads} threads (they end after a minute idle) and {@code queueSize} waiting tasks; beyond
 * that a task is rejected ({@code RejectedExecutionException}, as the bounded elastic scheduler does). Disposing it
 * lets running tasks finish and stops the threads; it does not interrupt them either. Thread-safe.
 */
public final class FileSafeScheduler implements Scheduler {

    private final ThreadPoolExecutor executor;

    private final Scheduler scheduler;

    /**
     * @param threads   most threads
     * @param queueSize most tasks waiting for a thread
     * @param name      prefix of the thread names
     */
    public FileSafeScheduler(int threads, int queueSize, String name) {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueSize), factory, new ThreadPoolExecutor.AbortPolicy());
        this.executor.allowCoreThreadTimeOut(true);
        // A plain Executor view: Reactor's executor scheduler cancels a task by a flag, never by an interrupt, and
        // would shut an ExecutorService down with shutdownNow (which interrupts) when disposed.
        this.scheduler = Schedulers.fromExecutor(executor::execute);
    }

    @Override
    public Disposable schedule(Runnable task) {
        return scheduler.schedule(task);
    }

    @Override
    public Worker createWorker() {
        return scheduler.createWorker();
    }

    @Override
    public boolean isDisposed() {
        return scheduler.isDisposed();
    }

    @Override
    public void dispose() {
        scheduler.dispose();
        executor.shutdown();
    }

    @Override
    public void init() {
        scheduler.init();
    }
}
