package dev.backbone.sample.order;

import dev.backbone.spring.eventstore.AggregateRepository.Loaded;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.math.BigDecimal;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The order API. Every answer carries the order as rebuilt from its events, with the version of its last event as
 * the {@code ETag}.
 */
@RestController
@RequestMapping("/orders")
public class OrderController {

    /** A line of a new order. */
    public record LineRequest(@NotBlank String sku, @Positive int quantity,
                              @NotNull @DecimalMin("0.00") BigDecimal unitPrice) {
    }

    public record PlaceRequest(@NotBlank String customer, @NotEmpty List<@Valid LineRequest> lines) {
    }

    public record PayRequest(@NotBlank String paymentReference) {
    }

    public record ShipRequest(@NotBlank String carrier, @NotBlank String trackingNumber) {
    }

    public record CancelRequest(@NotBlank String reason) {
    }

    private final OrderCommands commands;
    private final OrderStatistics statistics;

    public OrderController(OrderCommands commands, OrderStatistics statistics) {
        this.commands = commands;
        this.statistics = statistics;
    }

    @PostMapping
    public ResponseEntity<OrderView> place(@Valid @RequestBody PlaceRequest request) {
        String id = "order-" + UUID.randomUUID();
        List<OrderEvent.Line> lines = request.lines().stream()
                .map(l -> new OrderEvent.Line(l.sku(), l.quantity(), l.unitPrice())).toList();
        Loaded<Order> placed = commands.place(id, request.customer(), lines);
        return ResponseEntity.created(URI.create("/orders/" + id)).eTag(etag(placed)).body(OrderView.of(placed));
    }

    /** Events per type and revenue, from the read model (eventually consistent). */
    @GetMapping("/statistics")
    public OrderStatistics.Snapshot statistics() {
        return statistics.snapshot();
    }

    @GetMapping("/{id}")
    public ResponseEntity<OrderView> get(@PathVariable String id) {
        return answer(commands.get(id));
    }

    @PostMapping("/{id}/payment")
    public ResponseEntity<OrderView> pay(@PathVariable String id, @Valid @RequestBody PayRequest request) {
        return answer(commands.pay(id, request.paymentReference()));
    }

    @PostMapping("/{id}/shipment")
    public ResponseEntity<OrderView> ship(@PathVariable String id, @Valid @RequestBody ShipRequest request) {
        return answer(commands.ship(id, request.carrier(), request.trackingNumber()));
    }

    @PostMapping("/{id}/cancellation")
    public ResponseEntity<OrderView> cancel(@PathVariable String id, @Valid @RequestBody CancelRequest request) {
        return answer(commands.cancel(id, request.reason()));
    }

    private static ResponseEntity<OrderView> answer(Loaded<Order> order) {
        return ResponseEntity.ok().eTag(etag(order)).body(OrderView.of(order));
    }

    private static String etag(Loaded<Order> order) {
        return "\"" + order.version() + "\"";
    }
}
