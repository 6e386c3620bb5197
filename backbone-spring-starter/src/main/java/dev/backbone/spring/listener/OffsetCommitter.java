package dev.backbone.spring.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.GenerationFencedException;
import dev.backbone.client.http.OffsetCommit;
import dev.backbone.client.http.PartitionNotOwnedException;
import dev.backbone.client.http.UnknownMemberException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.scheduler.Schedulers;

/**
 * Commits a group member's handled positions without holding up its next fetch: {@link #commitSoon} sends the
 * positions handled so far and returns at once, so the member long-polls again while the commit travels (as Kafka's
 * consumer keeps its next fetch going). At most one commit is on its way at a time: positions handled meanwhile go
 * with the next one, sent as soon as the one on its way is answered, so a later commit never overtakes an earlier
 * one. Commits still follow processing (only positions of handled records are sent) and only move forward.
 *
 * <p>With a commit interval, a commit also waits until that long after the last one was sent; a timer sends it then,
 * so what a member handled last is committed even when no record follows. {@link #commitNow} does not wait for it.
 *
 * <p>A refused or failed commit is counted and logged at WARN; its positions go again with the next commit. A
 * refusal because the group rebalanced asks the member to refresh its assignment ({@link #takeRefreshWanted}), which
 * the member does on its own thread: the answer arrives on a network thread, which must not block.
 *
 * <p>Thread-safety: {@link #commitSoon} and {@link #commitNow} are called by the member's processing thread,
 * answers arrive on network threads and the timer on a Reactor scheduler thread; the in-flight state is guarded by
 * this object's monitor, which is never held while waiting.
 */
final class OffsetCommitter {

    private static final Log log = LogFactory.getLog(OffsetCommitter.class);

    /** The commit on its way, the one it chains, and the rest: enough for a member that no longer handles records. */
    private static final int FINAL_COMMIT_ROUNDS = 3;

    private final String listenerId;

    private final String group;

    private final BackboneClient client;

    private final MemberPartitions membership;

    private final ListenerMetrics metrics;

    private final Duration responseTimeout;

    /** The least time between the starts of two commits; 0 commits after every fetch's records. */
    private final long intervalNanos;

    /** When the last commit was sent. */
    private long lastSentNanos;

    /** Whether a commit waits for the interval to pass. */
    private boolean scheduled;

    /** The commit on its way, or null. */
    private CompletableFuture<Void> inFlight;

    /** Whether positions were handled after the commit on its way was sent. */
    private boolean more;

    private volatile boolean refreshWanted;

    OffsetCommitter(String listenerId, String group, BackboneClient client, MemberPartitions membership,
                    ListenerMetrics metrics, Duration responseTimeout, Duration interval) {
        this.listenerId = listenerId;
        this.group = group;
        this.client = client;
        this.membership = membership;
        this.metrics = metrics;
        this.responseTimeout = responseTimeout;
        this.intervalNanos = interval.toNanos();
        this.lastSentNanos = System.nanoTime() - intervalNanos;
    }

    /**
     * Sends the handled positions above the last commit: now, or right after the commit on its way, or once the
     * commit interval has passed since the last one was sent.
     */
    void commitSoon() {
        synchronized (this) {
            if (inFlight != null) {
                more = true;
                return;
            }
            sendWhenDue();
        }
    }

    /** Sends now if the interval has passed, else makes sure a timer sends then. Holds the monitor. */
    private void sendWhenDue() {
        long wait = lastSentNanos + intervalNanos - System.nanoTime();
        if (wait <= 0) {
            send();
        } else if (!scheduled) {
            scheduled = true;
            // A member at a low rate may not fetch again for as long as the broker holds its long poll: the timer,
            // not its next commitSoon, sends what it handled last.
            Schedulers.parallel().schedule(this::due, wait, TimeUnit.NANOSECONDS);
        }
    }

    private void due() {
        synchronized (this) {
            scheduled = false;
            if (inFlight == null) {
                send();
            } else {
                more = true;
            }
        }
    }

    /**
     * Commits everything handled and waits for it: for a member that stops, so that its last records are committed
     * before it leaves. Waits for the commit on its way (and the one it chains), then sends what is left; a few
     * rounds at most, each waiting up to the response timeout, so a broker that does not answer cannot hold it.
     */
    void commitNow() {
        for (int round = 0; round < FINAL_COMMIT_ROUNDS; round++) {
            CompletableFuture<Void> pending;
            synchronized (this) {
                if (inFlight == null) {
                    send();
                }
                pending = inFlight;
            }
            if (pending == null) {
                return;
            }
            await(pending);
        }
    }

    /** Whether a commit was refused because the group rebalanced since the last call; clears the flag. */
    boolean takeRefreshWanted() {
        boolean wanted = refreshWanted;
        refreshWanted = false;
        return wanted;
    }

    /** Starts a commit of the positions above the last commit, if there are any, as the one on its way. */
    private void send() {
        String id = membership.memberId();
        if (id == null) {
            return;
        }
        Map<TopicPartition, OwnedPartition> owned = membership.owned();
        Map<TopicPartition, Long> positions = new HashMap<>();
        List<OffsetCommit> offsets = new ArrayList<>();
        owned.forEach((tp, o) -> {
            long position = o.position;
            if (position > o.committed) {
                positions.put(tp, position);
                offsets.add(new OffsetCommit(tp.topic(), tp.partition(), position));
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        CompletableFuture<Void> sent = new CompletableFuture<>();
        inFlight = sent;
        lastSentNanos = System.nanoTime();
        client.commit(group, id, membership.generation(), offsets)
                .timeout(responseTimeout)
                .subscribe(null, error -> {
                    failed(id, offsets, error);
                    answered(sent, false);
                }, () -> {
                    positions.forEach((tp, position) -> {
                        OwnedPartition o = owned.get(tp);
                        if (o != null && position > o.committed) {
                            o.committed = position;
                        }
                    });
                    answered(sent, true);
                });
    }

    /**
     * Ends the commit {@code sent} and sends the next one if positions were handled meanwhile and this one went
     * (after a failure they wait for the next {@link #commitSoon}, so a broker that is down is not asked in a loop).
     */
    private void answered(CompletableFuture<Void> sent, boolean succeeded) {
        synchronized (this) {
            if (inFlight == sent) {
                boolean next = more && succeeded;
                more = false;
                inFlight = null;
                if (next) {
                    sendWhenDue();
                }
            }
        }
        sent.complete(null);
    }

    private void failed(String id, List<OffsetCommit> offsets, Throwable error) {
        metrics.commitFailed(listenerId);
        if (error instanceof GenerationFencedException || error instanceof PartitionNotOwnedException) {
            log.warn("Listener " + listenerId + ": commit of " + offsets + " refused, the group rebalanced ("
                    + error.getMessage() + "); the records go to their new owner");
            refreshWanted = true;
        } else if (error instanceof UnknownMemberException) {
            log.warn("Listener " + listenerId + ": commit of " + offsets + " refused, membership expired");
            membership.lost(id);
        } else {
            log.warn("Listener " + listenerId + ": commit of " + offsets + " failed (" + error
                    + "); it is retried with the next commit");
        }
    }

    private void await(CompletableFuture<Void> commit) {
        if (commit == null) {
            return;
        }
        try {
            commit.get(responseTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Listener " + listenerId + ": commit did not finish: " + e);
        }
    }
}
