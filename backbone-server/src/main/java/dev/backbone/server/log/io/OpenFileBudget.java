package dev.backbone.server.log.io;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the long-lived files a log manager keeps open (segments, key index chains): when more than {@code maxOpen} are, the ones idle
 * longest are closed (fsynced first, see {@link LeasedChannel}) down to nine tenths of the bound, on the
 * executor given, never on the appending or reading thread. A file in use is never closed, so the bound can be
 * exceeded for as long as more files than that are in use at once.
 *
 * <p>Thread safety: all methods may be called from any thread; one sweep runs at a time.
 */
public final class OpenFileBudget {

    /** No bound: for logs that are not run by a log manager (tests, tools). */
    public static final OpenFileBudget UNBOUNDED = new OpenFileBudget(Integer.MAX_VALUE, Runnable::run);

    private final int maxOpen;
    private final Executor sweeper;
    private final Set<LeasedChannel> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger openCount = new AtomicInteger();
    private final AtomicBoolean sweepScheduled = new AtomicBoolean();

    public OpenFileBudget(int maxOpen, Executor sweeper) {
        if (maxOpen < 1) {
            throw new IllegalArgumentException("maxOpen must be >= 1, was " + maxOpen);
        }
        this.maxOpen = maxOpen;
        this.sweeper = sweeper;
    }

    public int maxOpen() {
        return maxOpen;
    }

    /** Files open now. */
    public int openCount() {
        return openCount.get();
    }

    void opened(LeasedChannel channel) {
        if (open.add(channel) && openCount.incrementAndGet() > maxOpen && sweepScheduled.compareAndSet(false, true)) {
            try {
                sweeper.execute(this::sweep);
            } catch (RuntimeException rejected) {
                // Shutting down: nothing to bound any more.
                sweepScheduled.set(false);
            }
        }
    }

    void closed(LeasedChannel channel) {
        if (open.remove(channel)) {
            openCount.decrementAndGet();
        }
    }

    /** Closes the idle files used longest ago until the count is at nine tenths of the bound. */
    public void sweep() {
        sweepScheduled.set(false);
        int target = maxOpen - maxOpen / 10;
        if (openCount.get() <= target) {
            return;
        }
        List<LeasedChannel> oldestFirst = new ArrayList<>(open);
        oldestFirst.sort(Comparator.comparingLong(LeasedChannel::lastUsedNanos));
        for (LeasedChannel channel : oldestFirst) {
            if (openCount.get() <= target) {
                return;
            }
            channel.closeIfIdle();
        }
    }
}
