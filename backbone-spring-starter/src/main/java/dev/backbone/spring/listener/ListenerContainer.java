package dev.backbone.spring.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The container of one {@link BackboneListener}: {@code concurrency} group members, each on its own thread, and one
 * heartbeat thread for all of them. Started, paused, resumed and stopped through {@link BackboneListenerRegistry}.
 *
 * <p>Thread-safe: lifecycle methods are synchronized.
 */
public final class ListenerContainer {

    private static final Log log = LogFactory.getLog(ListenerContainer.class);

    private final String id;

    private final String group;

    private final List<String> topics;

    private final int concurrency;

    private final boolean autoStartup;

    private final Duration shutdownTimeout;

    private final IntFunction<GroupMember> memberFactory;

    private final List<GroupMember> members = new ArrayList<>();

    private final List<Thread> threads = new ArrayList<>();

    private ScheduledExecutorService heartbeats;

    private boolean paused;

    ListenerContainer(String id, String group, List<String> topics, int concurrency, boolean autoStartup,
                      Duration shutdownTimeout, IntFunction<GroupMember> memberFactory) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("listener " + id + ": concurrency must be at least 1, was "
                    + concurrency);
        }
        this.id = id;
        this.group = group;
        this.topics = List.copyOf(topics);
        this.concurrency = concurrency;
        this.autoStartup = autoStartup;
        this.shutdownTimeout = shutdownTimeout;
        this.memberFactory = memberFactory;
    }

    public String id() {
        return id;
    }

    public String group() {
        return group;
    }

    public List<String> topics() {
        return topics;
    }

    public boolean autoStartup() {
        return autoStartup;
    }

    /** Joins the group with {@code concurrency} members. Does nothing if already running. */
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        members.clear();
        threads.clear();
        heartbeats = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "backbone-heartbeat-" + id));
        for (int i = 0; i < concurrency; i++) {
            GroupMember member = memberFactory.apply(i);
            member.paused(paused);
            members.add(member);
            long intervalMillis = member.heartbeatInterval().toMillis();
            heartbeats.scheduleWithFixedDelay(member::heartbeat, intervalMillis, intervalMillis,
                    TimeUnit.MILLISECONDS);
            // Not a daemon: like a web server's threads, running listeners keep a service without one alive.
            Thread thread = new Thread(member, "backbone-listener-" + id + "-" + i);
            threads.add(thread);
            thread.start();
        }
    }

    /**
     * Stops: each member finishes the record in hand, commits and leaves the group. Waits up to the shutdown
     * timeout.
     */
    public synchronized void stop() {
        if (members.isEmpty()) {
            return;
        }
        members.forEach(GroupMember::stop);
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (thread.isAlive()) {
                log.warn("Listener " + id + ": " + thread.getName() + " did not finish within " + shutdownTimeout);
            }
        }
        heartbeats.shutdownNow();
        members.clear();
        threads.clear();
    }

    /** Stops fetching; members keep their partitions and heartbeat. */
    public synchronized void pause() {
        paused = true;
        members.forEach(m -> m.paused(true));
    }

    /** Fetches again after {@link #pause()}. */
    public synchronized void resume() {
        paused = false;
        members.forEach(m -> m.paused(false));
    }

    public synchronized boolean isPaused() {
        return paused;
    }

    public synchronized boolean isRunning() {
        return !members.isEmpty() && members.stream().anyMatch(GroupMember::isRunning);
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
