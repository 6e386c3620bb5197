package dev.backbone.server.security;

/**
 * Whether the broker checks who calls it. {@link #NONE} (the default, for a laptop) lets every request through;
 * {@link #ENFORCE} wants credentials on every {@code /v1/} request and checks the ACLs.
 */
public enum SecurityMode {
    NONE, ENFORCE
}
