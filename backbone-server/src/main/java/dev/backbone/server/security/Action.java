package dev.backbone.server.security;

import java.util.Objects;

/**
 * One permission a request needs: an operation on a resource ({@code read} on topic {@code orders}).
 *
 * @param operation what is done
 * @param resource  to what
 */
public record Action(Operation operation, Resource resource) {

    public Action {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(resource, "resource");
    }

    @Override
    public String toString() {
        return operation.label() + " on " + resource;
    }
}
