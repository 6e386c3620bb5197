package dev.backbone.server.security;

import java.util.Locale;

/**
 * What a principal does to a resource, as in Kafka's ACLs. The names are the lower-case words of the admin API and
 * the configuration ({@code read}, {@code write}, ...).
 *
 * <p>Thread safety: immutable.
 */
public enum Operation {
    READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE;

    /** The lower-case name used in JSON, configuration and problem details. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted values when {@code label} is none of them */
    public static Operation parse(String label) {
        return Labels.parse(Operation.class, label);
    }
}
