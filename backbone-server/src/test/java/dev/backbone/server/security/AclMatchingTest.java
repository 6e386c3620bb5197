package dev.backbone.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The matching rules of ACLs and scope grants, on {@link AclBinding} and {@link ScopePermissions} directly. */
class AclMatchingTest {

    private static Action action(Operation operation, ResourceType type, String name) {
        return new Action(operation, new Resource(type, name));
    }

    private static AclBinding allow(String principal, ResourceType type, String name, PatternType pattern,
                                    Operation operation) {
        return new AclBinding(principal, type, name, pattern, operation, AclPermission.ALLOW);
    }

    @Test
    void literalPrefixedAndWildcardNamesMatchAsInKafka() {
        AclBinding literal = allow("amy", ResourceType.TOPIC, "orders", PatternType.LITERAL, Operation.READ);
        AclBinding prefixed = allow("amy", ResourceType.TOPIC, "orders-", PatternType.PREFIXED, Operation.READ);
        AclBinding wildcard = allow("*", ResourceType.TOPIC, "*", PatternType.LITERAL, Operation.READ);
        assertThat(literal.matches("amy", action(Operation.READ, ResourceType.TOPIC, "orders"))).isTrue();
        assertThat(literal.matches("amy", action(Operation.READ, ResourceType.TOPIC, "orders-eu"))).isFalse();
        assertThat(literal.matches("ben", action(Operation.READ, ResourceType.TOPIC, "orders"))).isFalse();
        assertThat(literal.matches("amy", action(Operation.READ, ResourceType.GROUP, "orders"))).isFalse();
        assertThat(prefixed.matches("amy", action(Operation.READ, ResourceType.TOPIC, "orders-eu"))).isTrue();
        assertThat(prefixed.matches("amy", action(Operation.READ, ResourceType.TOPIC, "orders"))).isFalse();
        assertThat(wildcard.matches("anyone", action(Operation.READ, ResourceType.TOPIC, "payments"))).isTrue();
        assertThat(wildcard.matches("anyone", action(Operation.WRITE, ResourceType.TOPIC, "payments"))).isFalse();
    }

    @Test
    void wildcardsAndOrdinaryPrefixesNeverReachInternalTopics() {
        AclBinding wildcard = allow("*", ResourceType.TOPIC, "*", PatternType.LITERAL, Operation.READ);
        AclBinding everything = allow("amy", ResourceType.TOPIC, "_", PatternType.PREFIXED, Operation.READ);
        AclBinding internal = allow("amy", ResourceType.TOPIC, "__backbone_security", PatternType.PREFIXED,
                Operation.READ);
        Action readAudit = action(Operation.READ, ResourceType.TOPIC, SecurityAuditLog.TOPIC);
        assertThat(wildcard.matches("amy", readAudit)).isFalse();
        assertThat(everything.matches("amy", readAudit)).isFalse();
        assertThat(internal.matches("amy", readAudit)).isTrue();
    }

    @Test
    void readWriteDeleteAndAlterImplyDescribeButADenyOfThemDoesNotDenyDescribe() {
        Action describe = action(Operation.DESCRIBE, ResourceType.TOPIC, "orders");
        for (Operation operation : List.of(Operation.READ, Operation.WRITE, Operation.DELETE, Operation.ALTER)) {
            assertThat(allow("amy", ResourceType.TOPIC, "orders", PatternType.LITERAL, operation)
                    .matches("amy", describe)).as(operation.label()).isTrue();
        }
        assertThat(allow("amy", ResourceType.TOPIC, "orders", PatternType.LITERAL, Operation.CREATE)
                .matches("amy", describe)).isFalse();
        assertThat(new AclBinding("amy", ResourceType.TOPIC, "orders", PatternType.LITERAL, Operation.READ,
                AclPermission.DENY).matches("amy", describe)).isFalse();
    }

    @Test
    void scopesGrantLiteralPrefixedAndClusterPermissions() {
        ScopePermissions scopes = ScopePermissions.parse(Map.of(
                "orders.read", List.of("read:topic:orders-*", "read:group:orders"),
                "admin", List.of("alter:cluster")));
        assertThat(scopes.grants(List.of("orders.read"), action(Operation.READ, ResourceType.TOPIC, "orders-eu")))
                .isTrue();
        assertThat(scopes.grants(List.of("orders.read"), action(Operation.READ, ResourceType.GROUP, "orders")))
                .isTrue();
        assertThat(scopes.grants(List.of("orders.read"), action(Operation.WRITE, ResourceType.TOPIC, "orders-eu")))
                .isFalse();
        assertThat(scopes.grants(List.of("other"), action(Operation.READ, ResourceType.TOPIC, "orders-eu")))
                .isFalse();
        assertThat(scopes.grants(List.of("admin"), new Action(Operation.ALTER, Resource.CLUSTER))).isTrue();
        assertThatThrownBy(() -> ScopePermissions.parse(Map.of("bad", List.of("fly:topic:x"))))
                .hasMessageContaining("permissions[bad]").hasMessageContaining("fly");
    }

    @Test
    void theIdOfAnAclFollowsItsFields() {
        AclBinding a = allow("amy", ResourceType.TOPIC, "orders", PatternType.LITERAL, Operation.READ);
        assertThat(a.id()).hasSize(16).isEqualTo(allow("amy", ResourceType.TOPIC, "orders", PatternType.LITERAL,
                Operation.READ).id());
        assertThat(a.id()).isNotEqualTo(allow("amy", ResourceType.TOPIC, "orders", PatternType.PREFIXED,
                Operation.READ).id());
    }
}
