package dev.backbone.server.security;

import java.util.Objects;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import reactor.core.publisher.Mono;

/**
 * Authenticates an {@code Authorization: Bearer} token of either kind: a token starting with {@code bb_} is an API
 * key, looked up by its hash; anything else is a JWT, handed to Spring Security's JWT authentication when an
 * issuer or JWK set is configured, and refused otherwise.
 *
 * <p>Thread safety: thread-safe.
 */
public final class BearerAuthenticationManager implements ReactiveAuthenticationManager {

    private final ApiKeys keys;
    private final ReactiveAuthenticationManager jwt;

    /** @param jwt the JWT authentication, or null when the broker accepts API keys only */
    public BearerAuthenticationManager(ApiKeys keys, ReactiveAuthenticationManager jwt) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.jwt = jwt;
    }

    @Override
    public Mono<Authentication> authenticate(Authentication authentication) {
        if (!(authentication instanceof BearerTokenAuthenticationToken bearer)) {
            return Mono.empty();
        }
        String token = bearer.getToken();
        if (ApiKeyHash.isApiKey(token)) {
            return Mono.fromSupplier(() -> apiKey(token));
        }
        if (jwt == null) {
            return Mono.error(new InvalidBearerTokenException("the token is not an API key (bb_...), and this broker"
                    + " accepts no JWTs: no issuer or JWK set is configured"));
        }
        return jwt.authenticate(authentication);
    }

    private Authentication apiKey(String token) {
        ApiKeys.Check check = keys.check(token);
        return switch (check.outcome()) {
            case VALID -> new ApiKeyAuthentication(check.key());
            case EXPIRED -> throw new InvalidBearerTokenException("the API key " + check.key().id() + " expired at "
                    + check.key().expiresAt());
            case REVOKED -> throw new InvalidBearerTokenException("the API key is revoked");
            case UNKNOWN -> throw new InvalidBearerTokenException("the API key is not known to this broker");
        };
    }
}
