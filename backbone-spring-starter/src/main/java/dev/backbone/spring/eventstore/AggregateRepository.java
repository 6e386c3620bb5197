package dev.backbone.spring.eventstore;

import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.backbone.client.http.ConcurrencyConflictException;
import dev.backbone.client.http.ExpectedVersion;

/**
 * Loads and saves event-sourced aggregates: the state is the fold of {@code apply} over the aggregate's events,
 * starting from {@code initial}; saving appends new events with the loaded version as the expectation, so a
 * concurrent writer makes the save fail instead of being silently overwritten.
 *
 * <p>Thread-safe if {@code initial} and {@code apply} are (they should be pure functions).
 *
 * @param <A> the aggregate's state type
 * @param <E> the aggregate's event type (often a sealed interface)
 */
public final class AggregateRepository<A, E> {

    private final EventStore store;

    private final String topic;

    private final Class<E> eventType;

    private final Supplier<A> initial;

    private final BiFunction<A, E, A> apply;

    /**
     * @param store     the event store
     * @param topic     the topic holding this kind of aggregate
     * @param eventType the event type (a sealed interface reads each event into its named subclass)
     * @param initial   the state before any event
     * @param apply     the state after one more event
     */
    public AggregateRepository(EventStore store, String topic, Class<E> eventType, Supplier<A> initial,
                               BiFunction<A, E, A> apply) {
        this.store = Objects.requireNonNull(store, "store");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.eventType = Objects.requireNonNull(eventType, "eventType");
        this.initial = Objects.requireNonNull(initial, "initial");
        this.apply = Objects.requireNonNull(apply, "apply");
    }

    /**
     * An aggregate's state and the version it was built from.
     *
     * @param id      the aggregate id (the stream's key)
     * @param state   the folded state ({@code initial} for a new aggregate)
     * @param version the version of its newest event, or {@link ExpectedVersion#NO_STREAM} for a new one
     * @param <A>     the state type
     */
    public record Loaded<A>(String id, A state, long version) {

        /**
         * Whether no event exists for this aggregate yet.
         *
         * @return true for a new aggregate
         */
        public boolean isNew() {
            return version == ExpectedVersion.NO_STREAM;
        }
    }

    /**
     * Rebuilds an aggregate from its events.
     *
     * @param id the aggregate id
     * @return its state and version
     */
    public Loaded<A> load(String id) {
        A state = initial.get();
        long version = ExpectedVersion.NO_STREAM;
        for (StoredEvent<E> event : store.read(topic, id, eventType)) {
            state = apply.apply(state, event.payload());
            version = event.version();
        }
        return new Loaded<>(id, state, version);
    }

    /**
     * Appends new events to a loaded aggregate, expecting it is still at the version it was loaded with.
     *
     * @param loaded the aggregate as loaded
     * @param events the new events (nothing is written when empty)
     * @return where they landed, or null when there was nothing to write
     * @throws ConcurrencyConflictException when another writer appended since the load
     */
    public AppendResult save(Loaded<A> loaded, List<? extends E> events) {
        if (events.isEmpty()) {
            return null;
        }
        return store.append(topic, loaded.id(), loaded.version(), events);
    }

    /**
     * Runs a command against the current state and saves the events it decides on; on a conflict, loads again and
     * reruns the command, up to {@code maxAttempts} times in all.
     *
     * @param id          the aggregate id
     * @param command     decides the new events from the current state (may run several times: keep it pure)
     * @param maxAttempts most runs of the command (at least 1)
     * @return the state after the new events, with its new version
     * @throws ConcurrencyConflictException when the last attempt still conflicted
     */
    public Loaded<A> execute(String id, Function<A, List<? extends E>> command, int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        for (int attempt = 1; ; attempt++) {
            Loaded<A> loaded = load(id);
            List<? extends E> events = command.apply(loaded.state());
            try {
                AppendResult result = save(loaded, events);
                if (result == null) {
                    return loaded;
                }
                A state = loaded.state();
                for (E event : events) {
                    state = apply.apply(state, event);
                }
                return new Loaded<>(id, state, result.version());
            } catch (ConcurrencyConflictException conflict) {
                if (attempt >= maxAttempts) {
                    throw conflict;
                }
            }
        }
    }
}
