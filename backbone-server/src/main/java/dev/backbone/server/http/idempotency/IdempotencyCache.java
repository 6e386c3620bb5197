package dev.backbone.server.http.idempotency;

import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;

/**
 * Remembers the answers of produce requests that carried an {@code Idempotency-Key}, so that a retry gets the
 * original answer instead of appending again.
 *
 * <p>An entry is keyed by a scope (the topic) and the client's key, and holds a SHA-256 digest of the request
 * (see {@link RequestDigest}) and the answer. A request whose key is new runs its action; a retry with the same
 * key and digest gets the remembered answer, or, when the first request is still in flight, waits for it and
 * gets its answer; a request that reuses a key for a different request fails with
 * {@link IdempotencyKeyReusedException}. Only successful answers are kept: when the action fails, the entry is
 * dropped and a later retry runs again (every rejected produce changes nothing, so this is safe).
 *
 * <p>The first request's action runs detached from its caller: when the client that sent it goes away (the usual
 * reason for a retry), the append still completes and its answer is kept for the retry.
 *
 * <p>Entries live for {@code window} after the first request arrived, and at most {@code maxKeys} are kept; when
 * full, the oldest entry is forgotten first. The cache is in memory only: a restart forgets every key.
 *
 * <p>Thread safety: safe for concurrent use; the map is guarded by one lock held only for lookups and inserts,
 * never while an action runs.
 */
public final class IdempotencyCache {

    /** A remembered or fresh answer. {@code replayed} is true when the answer is a retry's. */
    public record Outcome<T>(T value, boolean replayed) {
    }

    private record Key(String scope, String key) {
    }

    private static final class Entry {
        final byte[] digest;
        final long createdAtNanos;
        final CompletableFuture<Object> answer = new CompletableFuture<>();

        Entry(byte[] digest, long createdAtNanos) {
            this.digest = digest;
            this.createdAtNanos = createdAtNanos;
        }
    }

    private final long windowNanos;
    private final int maxKeys;
    private final LongSupplier nanoClock;
    private final Object lock = new Object();
    /** Insertion order is creation order, so expired entries are always at the head. */
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>();

    public IdempotencyCache(Duration window, int maxKeys) {
        this(window, maxKeys, System::nanoTime);
    }

    /** @param nanoClock a monotonic clock in nanoseconds, as {@link System#nanoTime()} */
    public IdempotencyCache(Duration window, int maxKeys, LongSupplier nanoClock) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, was " + window);
        }
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be >= 1, was " + maxKeys);
        }
        this.windowNanos = window.toNanos();
        this.maxKeys = maxKeys;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /**
     * Runs {@code action} once per (scope, key) within the window, answering retries with its result.
     *
     * @param scope   what the key is unique within (the topic name)
     * @param key     the client's idempotency key, already checked with {@link IdempotencyKeys#validate}
     * @param digest  the request's digest; a retry must carry the same
     * @param action  performs the request; subscribed at most once per entry
     * @return the answer, marked as replayed when it is a retry's; fails with
     *         {@link IdempotencyKeyReusedException} when the key was used for a different request
     */
    @SuppressWarnings("unchecked")
    public <T> Mono<Outcome<T>> execute(String scope, String key, byte[] digest, Supplier<Mono<T>> action) {
        Key k = new Key(Objects.requireNonNull(scope, "scope"), Objects.requireNonNull(key, "key"));
        Entry entry;
        Entry existing;
        synchronized (lock) {
            long now = nanoClock.getAsLong();
            expire(now);
            existing = entries.get(k);
            if (existing == null) {
                entry = new Entry(digest.clone(), now);
                entries.put(k, entry);
                while (entries.size() > maxKeys) {
                    Iterator<Entry> eldest = entries.values().iterator();
                    eldest.next();
                    eldest.remove();
                }
            } else {
                entry = null;
            }
        }
        if (existing != null) {
            if (!Arrays.equals(existing.digest, digest)) {
                return Mono.error(new IdempotencyKeyReusedException(scope, key));
            }
            return Mono.fromFuture(existing.answer, true).map(value -> new Outcome<>((T) value, true));
        }
        run(k, entry, action);
        return Mono.fromFuture(entry.answer, true).map(value -> new Outcome<>((T) value, false));
    }

    /** The number of keys currently remembered (for metrics and tests). */
    public int size() {
        synchronized (lock) {
            expire(nanoClock.getAsLong());
            return entries.size();
        }
    }

    private <T> void run(Key k, Entry entry, Supplier<Mono<T>> action) {
        Mono.defer(action).subscribe(
                value -> entry.answer.complete(value),
                error -> {
                    forget(k, entry);
                    entry.answer.completeExceptionally(error);
                },
                () -> {
                    if (!entry.answer.isDone()) {
                        forget(k, entry);
                        entry.answer.completeExceptionally(
                                new IllegalStateException("produce for idempotency key " + k.key() + " gave no answer"));
                    }
                });
    }

    private void forget(Key k, Entry entry) {
        synchronized (lock) {
            entries.remove(k, entry);
        }
    }

    private void expire(long now) {
        Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Entry e = it.next().getValue();
            if (now - e.createdAtNanos < windowNanos) {
                return;
            }
            it.remove();
        }
    }
}
