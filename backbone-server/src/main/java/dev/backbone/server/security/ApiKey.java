package dev.backbone.server.security;

import java.time.Instant;
import java.util.Objects;

/**
 * What the broker keeps of an API key: never the secret, only its SHA-256.
 *
 * @param id        a public handle for listing and revoking: the first 16 hex digits of the hash
 * @param principal the principal the key authenticates as
 * @param hash      the SHA-256 of the key, as 64 lower-case hex digits
 * @param createdAt when it was created (for a key from configuration: when the broker started)
 * @param expiresAt when it stops working, or null for never
 * @param source    {@code api} for a key made through the admin API, {@code config} for a bootstrap key
 */
public record ApiKey(String id, String principal, String hash, Instant createdAt, Instant expiresAt, String source) {

    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(source, "source");
    }

    /** Whether the key has expired at {@code now}. */
    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
