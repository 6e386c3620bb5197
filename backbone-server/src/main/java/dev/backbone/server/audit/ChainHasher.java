package dev.backbone.server.audit;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Computes links: {@code SHA-256(previousLink || batchBytes)}.
 *
 * <p>Thread safety: not thread safe; one instance per thread (it reuses its digest).
 */
public final class ChainHasher {

    private final MessageDigest digest;
    private final byte[] scratch = new byte[ChainLink.SIZE];

    public ChainHasher() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256 (java.security.MessageDigest's contract).
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The link of the batch held in {@code batch} from position to limit; {@code batch} is left unchanged. */
    public ChainLink link(ChainLink previous, ByteBuffer batch) {
        begin(previous);
        update(batch.duplicate());
        return finish();
    }

    /** Starts a link over a batch fed in pieces with {@link #update}. */
    public void begin(ChainLink previous) {
        digest.reset();
        previous.write(ByteBuffer.wrap(scratch), 0);
        digest.update(scratch);
    }

    /** Feeds the bytes from position to limit, consuming them. */
    public void update(ByteBuffer bytes) {
        digest.update(bytes);
    }

    public ChainLink finish() {
        return ChainLink.of(digest.digest());
    }
}
