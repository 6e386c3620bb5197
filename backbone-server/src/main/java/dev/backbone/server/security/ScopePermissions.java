package dev.backbone.server.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the scopes (or roles) of a JWT allow: each authority maps to permissions written
 * {@code <operation>:<resource type>[:<name>]}, the name a literal, {@code *} for every name, or a prefix ending in
 * {@code *} ({@code read:topic:orders-*}); the cluster needs no name ({@code alter:cluster}). They act as allow ACLs of
 * the token's principal: deny ACLs still win over them.
 *
 * <p>Thread safety: immutable.
 */
public final class ScopePermissions {

    /** No scope grants anything. */
    public static final ScopePermissions NONE = new ScopePermissions(Map.of());

    private final Map<String, List<AclBinding>> grants;

    private ScopePermissions(Map<String, List<AclBinding>> grants) {
        this.grants = grants;
    }

    /**
     * Parses the configured mapping.
     *
     * @throws IllegalArgumentException naming the authority and the entry when an entry is malformed
     */
    public static ScopePermissions parse(Map<String, List<String>> mapping) {
        Map<String, List<AclBinding>> grants = new LinkedHashMap<>();
        mapping.forEach((authority, permissions) -> {
            List<AclBinding> parsed = new ArrayList<>();
            for (String permission : permissions) {
                try {
                    parsed.add(parseOne(permission.trim()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("backbone.security.jwt.permissions[" + authority + "]: \""
                            + permission + "\" is not <operation>:<resource type>[:<name>]: " + e.getMessage(), e);
                }
            }
            grants.put(authority, List.copyOf(parsed));
        });
        return new ScopePermissions(Map.copyOf(grants));
    }

    private static AclBinding parseOne(String permission) {
        String[] parts = permission.split(":", 3);
        if (parts.length < 2) {
            throw new IllegalArgumentException("too few parts");
        }
        ResourceType type = ResourceType.parse(parts[1]);
        String name = parts.length == 3 ? parts[2] : type == ResourceType.CLUSTER ? ResourceType.CLUSTER_NAME : "";
        PatternType pattern = PatternType.LITERAL;
        if (name.length() > 1 && name.endsWith("*")) {
            name = name.substring(0, name.length() - 1);
            pattern = PatternType.PREFIXED;
        }
        return new AclBinding(AclBinding.ANY_PRINCIPAL, type, name, pattern, Operation.parse(parts[0]),
                AclPermission.ALLOW);
    }

    /** Whether one of {@code authorities} grants {@code action}. */
    public boolean grants(Collection<String> authorities, Action action) {
        if (grants.isEmpty()) {
            return false;
        }
        for (String authority : authorities) {
            for (AclBinding grant : grants.getOrDefault(authority, List.of())) {
                if (grant.matchesAction(action)) {
                    return true;
                }
            }
        }
        return false;
    }
}
