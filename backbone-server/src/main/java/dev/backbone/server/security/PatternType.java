package dev.backbone.server.security;

import java.util.Locale;

/**
 * How an ACL's resource name matches: {@code literal} (the exact name, or {@code *} for every name) or
 * {@code prefixed} (every name that starts with it).
 *
 * <p>Thread safety: immutable.
 */
public enum PatternType {
    LITERAL, PREFIXED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted values when {@code label} is none of them */
    public static PatternType parse(String label) {
        return Labels.parse(PatternType.class, label);
    }
}
