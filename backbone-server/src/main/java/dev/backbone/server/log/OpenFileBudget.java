package dev.backbone.server.log;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the segment files a {@link LogManager} keeps open: when more than {@code maxOpen} are, the ones idle
 * longest are closed (fsynced first, see {@link SegmentChannel}) down to nine tenths of the bound, on the
 * executor given, never on the appending or reading thread. A file in use is never closed, so the bound can be
 * exceeded for as long as more files than that are in use at once.
 *
 * <p>Thread safety: all methods may be called from any thread; one sweep runs at a time.
 */
final class OpenFileBudget {

    private final int maxOpen;
    private final Executor sweeper;
    private final Set<SegmentChannel> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger openCount = new AtomicInteger();
    private final AtomicBoolean sweepScheduled = new AtomicBoolean();

    OpenFileBudget(int maxOpen, Executor sweeper) {
        if (maxOpen < 1) {
            throw new IllegalArgumentException("maxOpen must be >= 1, was " + maxOpen);
        }
        this.maxOpen = maxOpen;
        this.sweeper = sweeper;
    }

    int maxOpen() {
        return maxOpen;
    }

    /** Segment files open now. */
    int openCount() {
        return openCount.get();
    }

    void opened(SegmentChannel channel) {
        if (open.add(channel) && openCount.incrementAndGet() > maxOpen && sweepScheduled.compareAndSet(false, true)) {
            try {
                sweeper.execute(this::sweep);
            } catch (RuntimeException rejected) {
                // Shutting down: nothing to bound any more.
                sweepScheduled.set(false);
            }
        }
    }

    void closed(SegmentChannel channel) {
        if (open.remove(channel)) {
            openCount.decrementAndGet();
        }
    }

    /** Closes the idle files used longest ago until the count is at nine tenths of the bound. */
    void sweep() {
        sweepScheduled.set(false);
        int target = maxOpen - maxOpen / 10;
        if (openCount.get() <= target) {
            return;
        }
        List<SegmentChannel> oldestFirst = new ArrayList<>(open);
        oldestFirst.sort(Comparator.comparingLong(SegmentChannel::lastUsedNanos));
        for (SegmentChannel channel : oldestFirst) {
            if (openCount.get() <= target) {
                return;
            }
            channel.closeIfIdle();
        }
    }
}
