package dev.backbone.spring.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.backbone.client.batch.Header;
import dev.backbone.spring.serde.EventType;
import dev.backbone.spring.serde.EventTypes;
import dev.backbone.spring.serde.PayloadDeserializationException;
import dev.backbone.spring.serde.PayloadSerde;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

class ListenerMethodAdapterTest {

    record Order(String id, int total) {
    }

    sealed interface AccountEvent permits Opened, Deposited {
    }

    @EventType("account.opened")
    record Opened(String owner) implements AccountEvent {
    }

    @EventType("account.deposited")
    record Deposited(long cents) implements AccountEvent {
    }

    record Shipped(String orderId) {
    }

    record Positive(int amount) {
        Positive {
            if (amount <= 0) {
                throw new IllegalArgumentException("amount must be positive, was " + amount);
            }
        }
    }

    static class Handlers {

        final List<Object> calls = new ArrayList<>();

        void payload(Order order) {
            calls.add(order);
        }

        void record(BackboneRecord<Order> record) {
            calls.add(record);
        }

        void batch(List<BackboneRecord<Order>> records) {
            calls.add(records);
        }

        void raw(BackboneRecord record) {
            calls.add(record);
        }

        void two(Order a, Order b) {
        }

        void account(AccountEvent event) {
            calls.add(event);
        }

        void accountRecord(BackboneRecord<AccountEvent> record) {
            calls.add(record.value());
        }

        void shipped(Shipped shipped) {
            calls.add(shipped);
        }

        void positive(Positive positive) {
            calls.add(positive);
        }

        void bytes(byte[] value) {
            calls.add(value);
        }

        void fails(Order order) throws java.io.IOException {
            throw new java.io.IOException("disk gone");
        }
    }

    private final PayloadSerde serde = new PayloadSerde(new JsonMapper(), new EventTypes());

    private final Handlers handlers = new Handlers();

    private final RawRecord raw = new RawRecord("orders", 2, 41, 1_767_225_600_000L,
            "order-7".getBytes(StandardCharsets.UTF_8), "{\"id\":\"order-7\",\"total\":12}".getBytes(StandardCharsets.UTF_8),
            List.of(new Header("event-type", "Order".getBytes(StandardCharsets.UTF_8))));

    @Test
    void aPayloadParameterGetsTheReadValue() throws Exception {
        ListenerMethodAdapter adapter = adapter("payload", Order.class);
        assertThat(adapter.shape()).isEqualTo(ListenerMethodAdapter.Shape.PAYLOAD);
        adapter.invoke(adapter.read(raw));
        assertThat(handlers.calls).containsExactly(new Order("order-7", 12));
    }

    @Test
    void aRecordParameterGetsTopicPartitionOffsetKeyHeadersAndValue() throws Exception {
        ListenerMethodAdapter adapter = adapter("record", BackboneRecord.class);
        assertThat(adapter.shape()).isEqualTo(ListenerMethodAdapter.Shape.RECORD);
        adapter.invoke(adapter.read(raw));
        BackboneRecord<?> record = (BackboneRecord<?>) handlers.calls.get(0);
        assertThat(record.topic()).isEqualTo("orders");
        assertThat(record.partition()).isEqualTo(2);
        assertThat(record.offset()).isEqualTo(41);
        assertThat(record.key()).isEqualTo("order-7");
        assertThat(record.eventType()).isEqualTo("Order");
        assertThat(record.timestamp().toEpochMilli()).isEqualTo(1_767_225_600_000L);
        assertThat(record.value()).isEqualTo(new Order("order-7", 12));
    }

    @Test
    void aListParameterGetsSeveralRecordsInOneCall() throws Exception {
        ListenerMethodAdapter adapter = adapter("batch", List.class);
        assertThat(adapter.shape()).isEqualTo(ListenerMethodAdapter.Shape.BATCH);
        adapter.invokeBatch(List.of(adapter.read(raw), adapter.read(raw)));
        assertThat((List<?>) handlers.calls.get(0)).hasSize(2)
                .allSatisfy(r -> assertThat(((BackboneRecord<?>) r).value()).isEqualTo(new Order("order-7", 12)));
    }

    @Test
    void aSealedPayloadTypeIsReadIntoTheClassTheEventTypeHeaderNames() throws Exception {
        for (String method : List.of("account", "accountRecord")) {
            handlers.calls.clear();
            Class<?> parameter = method.equals("account") ? AccountEvent.class : BackboneRecord.class;
            ListenerMethodAdapter adapter = adapter(method, parameter);
            RawRecord opened = record("{\"owner\":\"ada\"}", "account.opened");
            RawRecord deposited = record("{\"cents\":500}", "account.deposited");
            adapter.invoke(opened, adapter.readPayload(opened));
            adapter.invoke(deposited, adapter.readPayload(deposited));
            assertThat(handlers.calls).as(method).containsExactly(new Opened("ada"), new Deposited(500));
            RawRecord unknown = record("{\"cents\":500}", "account.closed");
            assertThatExceptionOfType(PayloadDeserializationException.class).as(method)
                    .isThrownBy(() -> adapter.readPayload(unknown));
        }
    }

    @Test
    void aRecordsOwnConstructorBuildsThePayloadAndItsRefusalMakesTheRecordUnreadable() throws Exception {
        ListenerMethodAdapter adapter = adapter("positive", Positive.class);
        RawRecord good = record("{\"amount\":3}", "Positive");
        adapter.invoke(good, adapter.readPayload(good));
        assertThat(handlers.calls).containsExactly(new Positive(3));
        RawRecord refused = record("{\"amount\":-3}", "Positive");
        assertThatExceptionOfType(PayloadDeserializationException.class)
                .isThrownBy(() -> adapter.readPayload(refused))
                .withMessageContaining("amount must be positive, was -3")
                .withRootCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void payloadsAreReadWithTheApplicationsMapperConfiguration() throws Exception {
        JsonMapper snakeCase = JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .build();
        Method method = Handlers.class.getDeclaredMethod("shipped", Shipped.class);
        ListenerMethodAdapter adapter = new ListenerMethodAdapter(handlers, method,
                new PayloadSerde(snakeCase, new EventTypes()));
        assertThat(adapter.readPayload(record("{\"order_id\":\"o-1\"}", "Shipped"))).isEqualTo(new Shipped("o-1"));
    }

    @Test
    void aByteArrayParameterGetsTheValueAsItIsJsonOrNot() throws Exception {
        ListenerMethodAdapter adapter = adapter("bytes", byte[].class);
        assertThat(adapter.shape()).isEqualTo(ListenerMethodAdapter.Shape.PAYLOAD);
        RawRecord notJson = new RawRecord("orders", 0, 1, 0, null, new byte[] {0, (byte) 0xff, '{'}, List.of());
        for (RawRecord r : List.of(raw, notJson)) {
            adapter.invoke(r, adapter.readPayload(r));
        }
        assertThat(handlers.calls).containsExactly(raw.value(), notJson.value());
    }

    @Test
    void bytesThatAreNotTheTypeFailToRead() {
        ListenerMethodAdapter adapter = adapter("payload", Order.class);
        RawRecord broken = new RawRecord("orders", 0, 1, 0, null, "not json".getBytes(StandardCharsets.UTF_8),
                List.of());
        assertThatExceptionOfType(PayloadDeserializationException.class).isThrownBy(() -> adapter.read(broken))
                .withMessageContaining("8 bytes");
    }

    @Test
    void theMethodsOwnExceptionComesOutUnwrapped() {
        ListenerMethodAdapter adapter = adapter("fails", Order.class);
        assertThatExceptionOfType(java.io.IOException.class).isThrownBy(() -> adapter.invoke(adapter.read(raw)))
                .withMessage("disk gone");
    }

    @Test
    void methodsThatCannotBeListenersAreRefusedWithTheReason() {
        assertThatIllegalArgumentException().isThrownBy(() -> adapter("two", Order.class, Order.class))
                .withMessageContaining("exactly one parameter");
        assertThatIllegalArgumentException().isThrownBy(() -> adapter("raw", BackboneRecord.class))
                .withMessageContaining("type argument");
    }

    private static RawRecord record(String json, String eventType) {
        return new RawRecord("accounts", 0, 7, 0, null, json.getBytes(StandardCharsets.UTF_8),
                List.of(new Header("event-type", eventType.getBytes(StandardCharsets.UTF_8))));
    }

    private ListenerMethodAdapter adapter(String name, Class<?>... parameters) {
        try {
            Method method = Handlers.class.getDeclaredMethod(name, parameters);
            return new ListenerMethodAdapter(handlers, method, serde);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }
}
