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
 * full, the oldest entry is forgotten first. A {@link Journal} given at construction hears of every completed
 * answer (whole-body or stream) before the client gets it, so that the next run can {@link #restore} them; without
 * one, a restart forgets every key.
 *
 * <p>Thread safety: safe for concurrent use; the map is guarded by one lock held only for lookups and inserts,
 * never while an action runs.
 */
public final class IdempotencyCache {

    /** A remembered or fresh answer. {@code replayed} is true when the answer is a retry's. */
    public record Outcome<T>(T value, boolean replayed) {
    }

    /**
     * How the first request of a stream is recognised: the digest of the first {@code length} body bytes it read
     * (together with its target), and whether that was its whole body (a stream that stopped at a bad line did not
     * read the rest).
     */
    public record StreamDigest(long length, byte[] digest, boolean wholeBody) {
    }

    /** What the first request under a key left, as a streaming retry needs it. */
    public record Original(StreamDigest stream, Object answer) {

        /** Whether the first request was a stream (else it was a whole-body request, never the same as a stream). */
        public boolean isStream() {
            return stream != null;
        }
    }

    private record Key(String scope, String key) {
    }

    /**
     * The answer a stream's claim completes with when its answer was too large to keep: a retry is told so, and
     * appends nothing.
     */
    public static final Object STREAM_ANSWER_NOT_KEPT = new Object() {
        @Override
        public String toString() {
            return "answer not kept";
        }
    };

    /** Keeps completed answers beyond this process (see {@link IdempotencyJournal}). */
    public interface Journal {

        /** Keeps nothing: the cache is in memory only. */
        Journal NONE = (scope, key, digest, ageNanos, answer) -> {
        };

        /**
         * A whole-body request under {@code key} completed with {@code answer}; called before its client gets the
         * answer, on the thread that produced it. Must not throw for a failure to keep it (the answer stands).
         *
         * @param ageNanos how long ago the first request under the key arrived
         */
        void completed(String scope, String key, byte[] digest, long ageNanos, Object answer);

        /**
         * A stream under {@code key} completed with {@code answer} (its answer bytes, or
         * {@link #STREAM_ANSWER_NOT_KEPT}); called as {@link #completed} is.
         */
        default void completedStream(String scope, String key, StreamDigest digest, long ageNanos, Object answer) {
        }
    }

    /** The digest of a whole-body request, or the stream digest of a stream, and the answer. */
    private record Completed(byte[] digest, StreamDigest stream, Object value) {
    }

    private static final class Entry {
        /** Null for a stream: its digest is known only once its body has been read. */
        final byte[] digest;
        final long createdAtNanos;
        final CompletableFuture<Completed> answer = new CompletableFuture<>();

        Entry(byte[] digest, long createdAtNanos) {
            this.digest = digest;
            this.createdAtNanos = createdAtNanos;
        }
    }

    /**
     * A stream's claim on a key. The owner (the first request) runs the stream and then {@link #complete}s or
     * {@link #abandon}s the claim; any other request under the key waits for the {@link #original}.
     *
     * <p>Thread safety: {@code complete} and {@code abandon} may be called from any thread, once.
     */
    public final class StreamClaim {
        private final Key key;
        private final Entry entry;
        private final boolean owner;

        private StreamClaim(Key key, Entry entry, boolean owner) {
            this.key = key;
            this.entry = entry;
            this.owner = owner;
        }

        /** Whether this request is the first under its key and must run. */
        public boolean owner() {
            return owner;
        }

        /** Owner only: the stream is done; retries compare against {@code digest} and get {@code answer}. */
        public void complete(StreamDigest digest, Object answer) {
            keepQuietly(key, () -> journal.completedStream(key.scope(), key.key(), digest,
                    nanoClock.getAsLong() - entry.createdAtNanos, answer));
            entry.answer.complete(new Completed(null, digest, answer));
        }

        /** Owner only: the stream stored nothing to remember; the key is forgotten and a retry runs again. */
        public void abandon(Throwable cause) {
            forget(key, entry);
            entry.answer.completeExceptionally(cause);
        }

        /** The first request's digest and answer, once it is done. */
        public Mono<Original> original() {
            return Mono.fromFuture(entry.answer, true).map(c -> new Original(c.stream(), c.value()));
        }
    }

    private static final System.Logger LOG = System.getLogger(IdempotencyCache.class.getName());

    private final long windowNanos;
    private final int maxKeys;
    private final LongSupplier nanoClock;
    private final Journal journal;
    private final Object lock = new Object();
    /** Insertion order is creation order, so expired entries are always at the head. */
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>();

    public IdempotencyCache(Duration window, int maxKeys) {
        this(window, maxKeys, System::nanoTime, Journal.NONE);
    }

    public IdempotencyCache(Duration window, int maxKeys, Journal journal) {
        this(window, maxKeys, System::nanoTime, journal);
    }

    /** @param nanoClock a monotonic clock in nanoseconds, as {@link System#nanoTime()} */
    public IdempotencyCache(Duration window, int maxKeys, LongSupplier nanoClock) {
        this(window, maxKeys, nanoClock, Journal.NONE);
    }

    /** @param nanoClock a monotonic clock in nanoseconds, as {@link System#nanoTime()} */
    public IdempotencyCache(Duration window, int maxKeys, LongSupplier nanoClock, Journal journal) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, was " + window);
        }
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be >= 1, was " + maxKeys);
        }
        this.windowNanos = window.toNanos();
        this.maxKeys = maxKeys;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.journal = Objects.requireNonNull(journal, "journal");
    }

    /** The window after the first request during which its key is remembered. */
    public Duration window() {
        return Duration.ofNanos(windowNanos);
    }

    /**
     * Remembers a completed whole-body answer kept by an earlier run of the broker, as if its first request had
     * arrived {@code ageNanos} ago; one older than the window is ignored. Call in the order the answers were kept,
     * before requests arrive.
     *
     * @return whether it is remembered (false: older than the window)
     */
    public boolean restore(String scope, String key, byte[] digest, long ageNanos, Object answer) {
        return restore(scope, key, digest.clone(), ageNanos, new Completed(digest.clone(), null, answer));
    }

    /** As {@link #restore}, for a stream's answer (its bytes, or {@link #STREAM_ANSWER_NOT_KEPT}). */
    public boolean restoreStream(String scope, String key, StreamDigest digest, long ageNanos, Object answer) {
        return restore(scope, key, null, ageNanos,
                new Completed(null, Objects.requireNonNull(digest, "digest"), answer));
    }

    private boolean restore(String scope, String key, byte[] entryDigest, long ageNanos, Completed completed) {
        if (ageNanos >= windowNanos) {
            return false;
        }
        Key k = new Key(Objects.requireNonNull(scope, "scope"), Objects.requireNonNull(key, "key"));
        synchronized (lock) {
            Entry entry = new Entry(entryDigest, nanoClock.getAsLong() - Math.max(0, ageNanos));
            entry.answer.complete(completed);
            entries.remove(k);
            entries.put(k, entry);
            evictOverflow();
        }
        return true;
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
                evictOverflow();
            } else {
                entry = null;
            }
        }
        if (existing != null) {
            if (existing.digest != null && !Arrays.equals(existing.digest, digest)) {
                return Mono.error(new IdempotencyKeyReusedException(scope, key));
            }
            return Mono.fromFuture(existing.answer, true).flatMap(done -> done.digest() == null
                    ? Mono.error(new IdempotencyKeyReusedException(scope, key))
                    : Mono.just(new Outcome<>((T) done.value(), true)));
        }
        run(k, entry, digest, action);
        return Mono.fromFuture(entry.answer, true).map(done -> new Outcome<>((T) done.value(), false));
    }

    /**
     * Claims a key for a streaming request, whose digest is known only after its body has been read.
     *
     * @return a claim that says whether this request is the first under the key
     */
    public StreamClaim claimStream(String scope, String key) {
        Key k = new Key(Objects.requireNonNull(scope, "scope"), Objects.requireNonNull(key, "key"));
        synchronized (lock) {
            long now = nanoClock.getAsLong();
            expire(now);
            Entry existing = entries.get(k);
            if (existing != null) {
                return new StreamClaim(k, existing, false);
            }
            Entry entry = new Entry(null, now);
            entries.put(k, entry);
            evictOverflow();
            return new StreamClaim(k, entry, true);
        }
    }

    /** The number of keys currently remembered (for metrics and tests). */
    public int size() {
        synchronized (lock) {
            expire(nanoClock.getAsLong());
            return entries.size();
        }
    }

    private void evictOverflow() {
        while (entries.size() > maxKeys) {
            Iterator<Entry> eldest = entries.values().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    private <T> void run(Key k, Entry entry, byte[] digest, Supplier<Mono<T>> action) {
        Mono.defer(action).subscribe(
                value -> {
                    keepQuietly(k, () -> journal.completed(k.scope(), k.key(), digest,
                            nanoClock.getAsLong() - entry.createdAtNanos, value));
                    entry.answer.complete(new Completed(digest.clone(), null, value));
                },
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

    /** Hands a completed answer to the journal; a failure there must not hold back the answer itself. */
    private static void keepQuietly(Key k, Runnable keep) {
        try {
            keep.run();
        } catch (RuntimeException e) {
            // The produce is done: its answer stands, remembered in memory only.
            LOG.log(System.Logger.Level.WARNING, "could not journal idempotency key " + k.key(), e);
        }
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
