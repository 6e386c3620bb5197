package dev.backbone.server.http.idempotency;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A SHA-256 digest of what makes two produce requests the same: the target (path and content type) and the body.
 * The parts are length-prefixed so that moving bytes between them changes the digest.
 *
 * <p>Thread safety: not thread safe; one instance per request. The body may be fed in pieces as it streams in.
 */
public final class RequestDigest {

    private final MessageDigest sha256;

    /** @param target the request path and media type, e.g. {@code "/v1/topics/t/records application/json"} */
    public RequestDigest(String target) {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
        byte[] bytes = target.getBytes(StandardCharsets.UTF_8);
        sha256.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha256.update(bytes);
    }

    public RequestDigest update(byte[] body, int offset, int length) {
        sha256.update(body, offset, length);
        return this;
    }

    public RequestDigest update(ByteBuffer body) {
        sha256.update(body.duplicate());
        return this;
    }

    public byte[] digest() {
        return sha256.digest();
    }

    /** The digest of a request whose body is at hand. */
    public static byte[] of(String target, byte[] body) {
        return new RequestDigest(target).update(body, 0, body.length).digest();
    }
}
