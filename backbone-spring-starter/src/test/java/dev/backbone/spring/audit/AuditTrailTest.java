package dev.backbone.spring.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.backbone.client.http.ChainVerification;
import dev.backbone.spring.testing.Deadline;
import dev.backbone.spring.testing.StarterContexts;
import dev.backbone.test.EmbeddedBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.AuditEventRepository;

/**
 * The audit trail on a real broker of its own (the test damages its files): entries from {@code @Audited} calls,
 * successful and failed, and from Actuator audit events; a valid chain; a flipped byte in the audit segment found.
 */
class AuditTrailTest {

    private static EmbeddedBroker broker;

    /** A service whose calls are audited. */
    static class OrderService {

        @Audited(action = "order.cancel", entityType = "order", entity = "#orderId")
        public String cancel(String orderId, String reason) {
            if (reason.isBlank()) {
                throw new IllegalStateException("a reason is required");
            }
            return "cancelled " + orderId;
        }

        @Audited(action = "order.create", entityType = "order", entity = "#result")
        public String create(String customer) {
            return "order-of-" + customer;
        }
    }

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void auditedCallsAndActuatorEventsLandInAVerifiableChainThatDetectsTampering() throws Exception {
        StarterContexts.runner(broker.url())
                .withBean(OrderService.class)
                .withBean(AuditActorResolver.class, () -> () -> "clerk-7")
                .run(context -> {
                    OrderService orders = context.getBean(OrderService.class);
                    AuditTrail trail = context.getBean(AuditTrail.class);
                    assertThat(orders.cancel("order-1", "customer asked")).isEqualTo("cancelled order-1");
                    assertThatIllegalStateException().isThrownBy(() -> orders.cancel("order-2", " "));
                    assertThat(orders.create("dora")).isEqualTo("order-of-dora");
                    context.getBean(AuditEventRepository.class).add(new AuditEvent("eve", "AUTHENTICATION_FAILURE",
                            "type=org.springframework.security.authentication.BadCredentialsException"));

                    Deadline.await(Duration.ofSeconds(10), "four audit entries", () -> trail.entries().size() == 4);
                    List<AuditEntry> entries = trail.entries();
                    assertThat(entries.get(0)).satisfies(e -> {
                        assertThat(e.actor()).isEqualTo("clerk-7");
                        assertThat(e.action()).isEqualTo("order.cancel");
                        assertThat(e.entityType()).isEqualTo("order");
                        assertThat(e.entityId()).isEqualTo("order-1");
                        assertThat(e.outcome()).isEqualTo(AuditEntry.Outcome.SUCCESS);
                        assertThat(e.time()).isBefore(Instant.now().plusSeconds(1));
                    });
                    assertThat(entries.get(1)).satisfies(e -> {
                        assertThat(e.entityId()).isEqualTo("order-2");
                        assertThat(e.outcome()).isEqualTo(AuditEntry.Outcome.FAILURE);
                        assertThat(e.details()).containsEntry("exception", "java.lang.IllegalStateException");
                    });
                    assertThat(entries.get(2).entityId()).isEqualTo("order-of-dora");
                    assertThat(entries.get(3)).satisfies(e -> {
                        assertThat(e.actor()).isEqualTo("eve");
                        assertThat(e.action()).isEqualTo("AUTHENTICATION_FAILURE");
                        assertThat(e.outcome()).isEqualTo(AuditEntry.Outcome.FAILURE);
                    });
                    assertThat(context.getBean(AuditEventRepository.class).find("eve", null, null)).singleElement()
                            .satisfies(event -> assertThat(event.getType()).isEqualTo("AUTHENTICATION_FAILURE"));

                    ChainVerification valid = trail.verify();
                    assertThat(valid.valid()).isTrue();
                    assertThat(valid.batches()).isEqualTo(4);

                    flipByte(broker.dataDir().resolve("audit-0").resolve("00000000000000000000.log"), 80);
                    ChainVerification broken = trail.verify();
                    assertThat(broken.valid()).isFalse();
                    assertThat(broken.brokenAtOffset()).isEqualTo(0L);
                    assertThat(broken.reason()).isEqualTo("link-mismatch");
                });
    }

    private static void flipByte(Path file, long position) throws Exception {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) (one.get(0) ^ 0x5a)).rewind();
            channel.write(one, position);
        }
    }
}
