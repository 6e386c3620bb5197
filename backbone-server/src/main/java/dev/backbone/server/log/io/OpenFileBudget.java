package dev.backbone.server.log.io;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bounds the long-lived files a log manager keeps open (segments, key index chains): when more than {@code maxOpen}
 * are, the ones idle longest are closed (fsynced first when written, see {@link LeasedChannel}) down to nine tenths
 * of the bound, on the executor given. When files are opened faster than that sweep closes them (a start-up
 * opening every segment), the thread that opens one while a tenth over the bound sweeps itself. A file in use is
 * never closed, so the bound can be exceeded for as long as more files than that are in use at once.
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
    private final ReentrantLock sweeping = new ReentrantLock();

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
        if (!open.add(channel)) {
            return;
        }
        int count = openCount.incrementAndGet();
        if (count > maxOpen + maxOpen / 10) {
            sweep();
        } else if (count > maxOpen && sweepScheduled.compareAndSet(false, true)) {
            try {
                sweeper.execute(() -> {
                    sweepScheduled.set(false);
                    sweep();
                });
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
        int target = maxOpen - maxOpen / 10;
        if (openCount.get() <= target || !sweeping.tryLock()) {
            return;
        }
        try {
            // Files opened while a round runs are not in its list (and their openers found the lock taken): another
            // round takes them, for as long as rounds close something.
            boolean closedSome = true;
            while (closedSome && openCount.get() > target) {
                closedSome = false;
                List<LeasedChannel> oldestFirst = new ArrayList<>(open);
                oldestFirst.sort(Comparator.comparingLong(LeasedChannel::lastUsedNanos));
                for (LeasedChannel channel : oldestFirst) {
                    if (openCount.get() <= target) {
                        return;
                    }
                    closedSome |= channel.closeIfIdle();
                }
            }
        } finally {
            sweeping.unlock();
        }
    }
}
