package dev.backbone.server.log;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Names a client request whose retries must append at most once (an {@code Idempotency-Key} with the digest of the
 * request it was first sent with). A log replicated through consensus deduplicates appends on it when it applies
 * them, on every replica alike, so a retry sent to another broker after a failover appends nothing; a single broker's
 * log ignores it (the broker's request cache answers retries before they reach the log).
 *
 * @param key    the client's key, at most {@link #MAX_KEY_BYTES} bytes of UTF-8
 * @param digest what the request held (method, path, body...): the same key with another digest is a reused key
 *
 * <p>Thread safety: immutable (the digest array is copied in and out).
 */
public record AppendRequestId(String key, byte[] digest) {

    public static final int MAX_KEY_BYTES = 1024;

    public AppendRequestId {
        Objects.requireNonNull(key, "key");
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("a request key has at most " + MAX_KEY_BYTES + " bytes");
        }
        digest = digest.clone();
    }

    @Override
    public byte[] digest() {
        return digest.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AppendRequestId that && key.equals(that.key) && Arrays.equals(digest, that.digest);
    }

    @Override
    public int hashCode() {
        return 31 * key.hashCode() + Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return "request '" + key + "' (" + HexFormat.of().formatHex(digest, 0, Math.min(8, digest.length)) + "...)";
    }
}
