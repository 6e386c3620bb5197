package dev.backbone.spring.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class EventTypesTest {

    sealed interface OrderEvent permits OrderPlaced, OrderCancelled, Shipping {
    }

    @EventType("order.placed")
    record OrderPlaced(String id) implements OrderEvent {
    }

    record OrderCancelled(String id) implements OrderEvent {
    }

    sealed interface Shipping extends OrderEvent permits OrderShipped {
    }

    @EventType("order.shipped")
    record OrderShipped(String id) implements Shipping {
    }

    @EventType(" ")
    record Blank() {
    }

    private final EventTypes types = new EventTypes();

    @Test
    void namesComeFromTheAnnotationElseTheSimpleClassName() {
        assertThat(types.nameOf(OrderPlaced.class)).isEqualTo("order.placed");
        assertThat(types.nameOf(OrderCancelled.class)).isEqualTo("OrderCancelled");
    }

    @Test
    void aBlankNameIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> types.nameOf(Blank.class))
                .withMessageContaining(Blank.class.getName());
    }

    @Test
    void aSealedTypeResolvesToThePermittedClassNamedByTheEventType() {
        assertThat(types.classFor(OrderEvent.class, "order.placed")).isEqualTo(OrderPlaced.class);
        assertThat(types.classFor(OrderEvent.class, "OrderCancelled")).isEqualTo(OrderCancelled.class);
        assertThat(types.classFor(OrderEvent.class, "order.shipped")).isEqualTo(OrderShipped.class);
        assertThat(types.classFor(OrderEvent.class, "unknown")).isEqualTo(OrderEvent.class);
        assertThat(types.classFor(OrderPlaced.class, "OrderCancelled")).isEqualTo(OrderPlaced.class);
    }
}
