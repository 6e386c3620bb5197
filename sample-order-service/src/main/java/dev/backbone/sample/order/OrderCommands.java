package dev.backbone.sample.order;

import dev.backbone.client.http.ConcurrencyConflictException;
import dev.backbone.spring.audit.Audited;
import dev.backbone.spring.eventstore.AggregateRepository;
import dev.backbone.spring.eventstore.AggregateRepository.Loaded;
import dev.backbone.spring.eventstore.AppendResult;
import dev.backbone.spring.eventstore.EventStore;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Runs the order commands: load the order from its events, decide, append the new events expecting the version
 * that was loaded. Each command is recorded in the audit trail ({@code @Audited}) with its outcome and actor.
 *
 * <p>The events go to the {@code orders} topic, keyed by order id: the key stream is both the order's storage and
 * its publication, so other services consume {@code orders} and no second write can be lost between the two.
 *
 * <p>Thread safety: thread-safe; concurrent commands on one order are serialized by the broker's expected-version
 * check, and the loser retries on the winner's state (see {@link #execute}).
 */
@Service
public class OrderCommands {

    public static final String TOPIC = "orders";

    /** Attempts of one command under contention before giving up with 409. */
    static final int MAX_ATTEMPTS = 5;

    private static final Logger log = LoggerFactory.getLogger(OrderCommands.class);

    private final AggregateRepository<Order, OrderEvent> orders;

    public OrderCommands(EventStore store) {
        this.orders = new AggregateRepository<>(store, TOPIC, OrderEvent.class, () -> null, OrderCommands::fold);
    }

    @Audited(action = "order.place", entity = "#id", entityType = "order")
    public Loaded<Order> place(String id, String customer, List<OrderEvent.Line> lines) {
        return execute(id, order -> order.place(customer, lines));
    }

    @Audited(action = "order.pay", entity = "#id", entityType = "order")
    public Loaded<Order> pay(String id, String paymentReference) {
        return execute(id, order -> order.pay(paymentReference));
    }

    @Audited(action = "order.ship", entity = "#id", entityType = "order")
    public Loaded<Order> ship(String id, String carrier, String trackingNumber) {
        return execute(id, order -> order.ship(carrier, trackingNumber));
    }

    @Audited(action = "order.cancel", entity = "#id", entityType = "order")
    public Loaded<Order> cancel(String id, String reason) {
        return execute(id, order -> order.cancel(reason));
    }

    /** The order rebuilt from its events, with the version of the last one. */
    public Loaded<Order> get(String id) {
        Loaded<Order> loaded = load(id);
        if (loaded.isNew()) {
            throw new UnknownOrderException(id);
        }
        return loaded;
    }

    /**
     * Optimistic concurrency, the pattern to copy: read the order and its version, decide on that state, and
     * append expecting that version. If another command appended first, the broker answers a conflict and nothing
     * of ours was written: read again, now with the other command's events, and decide again. The decision may now
     * refuse (paying a cancelled order), which is the right answer; no update is ever lost or applied twice.
     */
    private Loaded<Order> execute(String id, Function<Order, List<OrderEvent>> decide) {
        for (int attempt = 1; ; attempt++) {
            Loaded<Order> loaded = load(id);
            List<OrderEvent> events = decide.apply(loaded.state());
            try {
                AppendResult appended = orders.save(loaded, events);
                Order state = loaded.state();
                for (OrderEvent event : events) {
                    state = state.apply(event);
                }
                return new Loaded<>(id, state, appended.version());
            } catch (ConcurrencyConflictException conflict) {
                if (attempt == MAX_ATTEMPTS) {
                    throw new OrderContendedException(id, attempt, conflict);
                }
                log.debug("order {} changed under attempt {} (now at version {}), deciding again", id, attempt,
                        conflict.currentVersion());
            }
        }
    }

    private Loaded<Order> load(String id) {
        Loaded<Order> loaded = orders.load(id);
        return loaded.state() == null ? new Loaded<>(id, Order.none(id), loaded.version()) : loaded;
    }

    private static Order fold(Order state, OrderEvent event) {
        return (state == null ? Order.none(event.orderId()) : state).apply(event);
    }
}
