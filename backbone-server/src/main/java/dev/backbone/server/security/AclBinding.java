package dev.backbone.server.security;

import dev.backbone.server.topic.TopicNames;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One access control entry in Kafka's model: a principal (or {@value #ANY_PRINCIPAL} for every one) is allowed or
 * denied an operation on the resources a pattern names.
 *
 * <p>Matching rules, as in Kafka: a literal name {@value #ANY_NAME} matches every name of its type; a prefixed name
 * matches every name starting with it; {@code read}, {@code write}, {@code delete} and {@code alter} imply
 * {@code describe}. One rule of our own: a wildcard or a prefix that does not itself start with {@code __} never
 * matches the broker's internal topics, which hold key hashes, ACLs and the security audit; only a super-user or an
 * ACL naming them reaches them.
 *
 * <p>The {@link #id()} is derived from the fields, so adding the same ACL twice keeps one.
 *
 * @param principal    the principal name, or {@value #ANY_PRINCIPAL}
 * @param resourceType topic, group or cluster
 * @param resourceName the name, the prefix, or {@value #ANY_NAME}
 * @param patternType  literal or prefixed
 * @param operation    the operation
 * @param permission   allow or deny
 */
public record AclBinding(String principal, ResourceType resourceType, String resourceName, PatternType patternType,
                         Operation operation, AclPermission permission) {

    public static final String ANY_PRINCIPAL = "*";
    public static final String ANY_NAME = "*";

    public AclBinding {
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(patternType, "patternType");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(permission, "permission");
        if (principal == null || principal.isBlank()) {
            throw new IllegalArgumentException("an ACL needs a principal, or \"*\" for every principal");
        }
        if (resourceName == null || resourceName.isEmpty()) {
            throw new IllegalArgumentException("an ACL needs a resource name, a prefix, or \"*\" for every name");
        }
        if (patternType == PatternType.PREFIXED && resourceName.equals(ANY_NAME)) {
            throw new IllegalArgumentException("\"*\" is a literal wildcard; a prefixed ACL names a prefix");
        }
    }

    /** A stable id of this ACL: the first 16 hex digits of the SHA-256 of its fields. */
    public String id() {
        String canonical = String.join("\n", principal, resourceType.label(), resourceName, patternType.label(),
                operation.label(), permission.label());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Whether this ACL speaks about {@code action} done by {@code principalName}. */
    public boolean matches(String principalName, Action action) {
        return (principal.equals(ANY_PRINCIPAL) || principal.equals(principalName))
                && coversOperation(action.operation())
                && matchesResource(action.resource());
    }

    /** Whether this ACL speaks about {@code action}, whoever does it (used for scope grants of a JWT). */
    public boolean matchesAction(Action action) {
        return coversOperation(action.operation()) && matchesResource(action.resource());
    }

    private boolean coversOperation(Operation requested) {
        if (operation == requested) {
            return true;
        }
        // Kafka's implication: whoever may read, write, delete or alter a resource may see that it exists. A deny
        // of those does not deny describe.
        return requested == Operation.DESCRIBE && permission == AclPermission.ALLOW
                && operation != Operation.CREATE;
    }

    private boolean matchesResource(Resource resource) {
        if (resource.type() != resourceType) {
            return false;
        }
        String name = resource.name();
        boolean internal = resourceType == ResourceType.TOPIC && TopicNames.isInternal(name);
        if (patternType == PatternType.LITERAL) {
            return resourceName.equals(name) || (resourceName.equals(ANY_NAME) && !internal);
        }
        return name.startsWith(resourceName) && (!internal || TopicNames.isInternal(resourceName));
    }
}
