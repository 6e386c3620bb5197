package dev.backbone.spring.eventstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.backbone.client.http.ConcurrencyConflictException;
import dev.backbone.client.http.ExpectedVersion;
import dev.backbone.spring.serde.EventType;
import dev.backbone.spring.testing.StarterContexts;
import dev.backbone.test.EmbeddedBackbone;
import dev.backbone.test.EmbeddedBroker;
import org.junit.jupiter.api.Test;

/**
 * The event store on a real broker: optimistic concurrency (two racing writers, exactly one wins), typed reads of
 * a sealed event hierarchy, and aggregates rebuilt from their events equal to the state their commands produced.
 */
@EmbeddedBackbone
class EventStoreTest {

    sealed interface AccountEvent permits Opened, Deposited, Withdrawn {
    }

    @EventType("account.opened")
    record Opened(String owner) implements AccountEvent {
    }

    @EventType("account.deposited")
    record Deposited(long cents) implements AccountEvent {
    }

    @EventType("account.withdrawn")
    record Withdrawn(long cents) implements AccountEvent {
    }

    record Account(String owner, long balance, int changes) {

        static Account empty() {
            return new Account(null, 0, 0);
        }

        Account apply(AccountEvent event) {
            if (event instanceof Opened o) {
                return new Account(o.owner(), balance, changes + 1);
            }
            if (event instanceof Deposited d) {
                return new Account(owner, balance + d.cents(), changes + 1);
            }
            return new Account(owner, balance - ((Withdrawn) event).cents(), changes + 1);
        }
    }

    @Test
    void appendsReadBackInOrderWithVersionsOffsetsAndTypes(EmbeddedBroker broker) {
        StarterContexts.runner(broker.url()).run(context -> {
            EventStore store = context.getBean(EventStore.class);
            AppendResult first = store.append("accounts", "acc-1", ExpectedVersion.NO_STREAM,
                    List.of(new Opened("ann"), new Deposited(500)));
            assertThat(first.version()).isEqualTo(1);
            AppendResult second = store.append("accounts", "acc-1", 1, List.of(new Withdrawn(200)));
            assertThat(second.version()).isEqualTo(2);
            assertThat(second.lastOffset()).isGreaterThan(first.lastOffset());

            List<StoredEvent<AccountEvent>> events = store.read("accounts", "acc-1", AccountEvent.class);
            assertThat(events).extracting(StoredEvent::version).containsExactly(0L, 1L, 2L);
            assertThat(events).extracting(StoredEvent::type)
                    .containsExactly("account.opened", "account.deposited", "account.withdrawn");
            assertThat(events).extracting(StoredEvent::payload)
                    .containsExactly(new Opened("ann"), new Deposited(500), new Withdrawn(200));
            assertThat(events.get(2).offset()).isEqualTo(second.lastOffset());
            assertThat(store.read("accounts", "acc-1", 2, AccountEvent.class)).singleElement()
                    .satisfies(e -> assertThat(e.payload()).isEqualTo(new Withdrawn(200)));
            assertThat(store.read("accounts", "nobody", AccountEvent.class)).isEmpty();

            assertThatExceptionOfType(ConcurrencyConflictException.class)
                    .isThrownBy(() -> store.append("accounts", "acc-1", 1, List.of(new Deposited(1))))
                    .satisfies(e -> assertThat(e.currentVersion()).isEqualTo(2));
        });
    }

    @Test
    void twoWritersRacingOnOneAggregateExactlyOneWins(EmbeddedBroker broker) {
        StarterContexts.runner(broker.url()).run(context -> {
            EventStore store = context.getBean(EventStore.class);
            store.append("race", "acc-9", ExpectedVersion.NO_STREAM, List.of(new Opened("bo")));
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < 20; round++) {
                    long expected = round;
                    CyclicBarrier start = new CyclicBarrier(2);
                    List<Future<AppendResult>> writers = new ArrayList<>();
                    for (int w = 0; w < 2; w++) {
                        writers.add(pool.submit(() -> {
                            start.await(5, TimeUnit.SECONDS);
                            return store.append("race", "acc-9", expected, List.of(new Deposited(1)));
                        }));
                    }
                    int won = 0;
                    int conflicts = 0;
                    for (Future<AppendResult> writer : writers) {
                        try {
                            assertThat(writer.get(10, TimeUnit.SECONDS).version()).isEqualTo(expected + 1);
                            won++;
                        } catch (java.util.concurrent.ExecutionException e) {
                            assertThat(e.getCause()).isInstanceOf(ConcurrencyConflictException.class);
                            assertThat(((ConcurrencyConflictException) e.getCause()).currentVersion())
                                    .isEqualTo(expected + 1);
                            conflicts++;
                        }
                    }
                    assertThat(won).as("winners in round " + round).isEqualTo(1);
                    assertThat(conflicts).as("conflicts in round " + round).isEqualTo(1);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(store.read("race", "acc-9", AccountEvent.class)).hasSize(21);
        });
    }

    @Test
    void anAggregateRebuiltFromItsEventsEqualsTheStateItsCommandsProduced(EmbeddedBroker broker) {
        StarterContexts.runner(broker.url()).run(context -> {
            EventStore store = context.getBean(EventStore.class);
            AggregateRepository<Account, AccountEvent> accounts = new AggregateRepository<>(store, "ledger",
                    AccountEvent.class, Account::empty, Account::apply);
            AggregateRepository.Loaded<Account> state = accounts.execute("acc-2",
                    account -> List.of(new Opened("cy"), new Deposited(1_000)), 3);
            for (int i = 1; i <= 10; i++) {
                long cents = i * 7;
                state = accounts.execute("acc-2", account -> account.balance() >= cents
                        ? List.of(new Withdrawn(cents)) : List.of(new Deposited(cents)), 3);
            }
            AggregateRepository.Loaded<Account> rebuilt = accounts.load("acc-2");
            assertThat(rebuilt.state()).isEqualTo(state.state());
            assertThat(rebuilt.version()).isEqualTo(state.version()).isEqualTo(11);
            assertThat(rebuilt.state()).isEqualTo(new Account("cy", 1_000 - 385, 12));

            AggregateRepository.Loaded<Account> stale = accounts.load("acc-2");
            accounts.save(accounts.load("acc-2"), List.of(new Deposited(5)));
            assertThatExceptionOfType(ConcurrencyConflictException.class)
                    .isThrownBy(() -> accounts.save(stale, List.of(new Deposited(5))));
            int[] runs = {0};
            AggregateRepository.Loaded<Account> retried = accounts.execute("acc-2", account -> {
                if (runs[0]++ == 0) {
                    store.append("ledger", "acc-2", ExpectedVersion.ANY, List.of(new Deposited(1)));
                }
                return List.of(new Deposited(10));
            }, 2);
            assertThat(runs[0]).as("the command ran again after the conflict").isEqualTo(2);
            assertThat(retried.state().balance()).isEqualTo(1_000 - 385 + 5 + 1 + 10);
            assertThat(accounts.load("acc-2").state()).isEqualTo(retried.state());
        });
    }
}
