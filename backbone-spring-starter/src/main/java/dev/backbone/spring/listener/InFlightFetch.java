package dev.backbone.spring.listener;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.backbone.client.http.BackboneClientException;

/**
 * The fetch a member's processing thread is waiting for, which another thread (stop, pause, an expired membership)
 * may cancel so that the long poll ends at once.
 *
 * <p>Thread-safety: {@link #await} is called by the processing thread only; {@link #cancel} by any thread.
 */
final class InFlightFetch {

    private volatile CompletableFuture<?> current;

    private volatile boolean cancelAll;

    /**
     * Waits for {@code future}.
     *
     * @return its value, or null when it was cancelled or the thread interrupted (the interrupt flag stays set)
     * @throws BackboneClientException when it failed or took longer than {@code timeout}
     */
    <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
        current = future;
        if (cancelAll) {
            future.cancel(true);
        }
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (CancellationException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new BackboneClientException(what + " got no answer in time", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new BackboneClientException(what + " failed", e.getCause());
        } finally {
            current = null;
        }
    }

    /** Cancels the fetch being waited for, if any. */
    void cancel() {
        CompletableFuture<?> future = current;
        if (future != null) {
            future.cancel(true);
        }
    }

    /** Cancels the fetch being waited for and every later one: the member is stopping. */
    void cancelForGood() {
        cancelAll = true;
        cancel();
    }
}
