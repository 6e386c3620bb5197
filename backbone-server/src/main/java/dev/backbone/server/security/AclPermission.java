package dev.backbone.server.security;

import java.util.Locale;

/**
 * Whether an ACL allows or denies; a matching deny wins over every allow.
 *
 * <p>Thread safety: immutable.
 */
public enum AclPermission {
    ALLOW, DENY;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted values when {@code label} is none of them */
    public static AclPermission parse(String label) {
        return Labels.parse(AclPermission.class, label);
    }
}
