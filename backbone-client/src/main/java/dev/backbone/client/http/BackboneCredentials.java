package dev.backbone.client.http;

/**
 * Supplies the bearer token sent as {@code Authorization: Bearer <token>}. Asked once per request (retries
 * included), so a supplier that refreshes an OAuth2 token keeps working across rotations.
 *
 * <p>Called on a Netty event loop: an implementation must not block (cache the token and refresh it in the
 * background). Implementations must be thread-safe.
 */
@FunctionalInterface
public interface BackboneCredentials {

    /** No credentials: no {@code Authorization} header is sent. */
    BackboneCredentials NONE = () -> null;

    /** The token for the next request, or null to send none. */
    String token();

    /** A fixed token. */
    static BackboneCredentials bearer(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("a bearer token must not be blank");
        }
        return () -> token;
    }
}
