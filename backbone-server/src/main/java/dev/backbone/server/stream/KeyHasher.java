package dev.backbone.server.stream;

import java.nio.ByteBuffer;

/**
 * A 64-bit hash of a record key, used to place keys in the in-memory table of a {@link KeyIndex}.
 *
 * <p>The index never trusts the hash alone: keys whose hashes are equal are told apart by comparing their
 * bytes, so any function is correct and a poor one is only slower. Tests exploit this by forcing collisions.
 * Implementations must be pure functions of the key bytes and stable across restarts, because the table
 * snapshot on disk stores hashes.
 *
 * <p>Thread safety: implementations must be safe for concurrent use.
 */
@FunctionalInterface
public interface KeyHasher {

    /** The hasher every index uses unless a test replaces it: XXH64 with seed 0. */
    KeyHasher XXH64 = Xxh64::hash;

    /** Hashes {@code length} bytes of {@code buffer} from absolute {@code position}; no state of the buffer changes. */
    long hash(ByteBuffer buffer, int position, int length);

    default long hash(byte[] key) {
        return hash(ByteBuffer.wrap(key), 0, key.length);
    }
}
