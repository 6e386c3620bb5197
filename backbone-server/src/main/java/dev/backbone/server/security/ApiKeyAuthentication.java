package dev.backbone.server.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * A request authenticated by an API key. Its name is the key's principal, which is what
 * {@code ServerWebExchange.getPrincipal()} and the ACLs see; it carries no authorities: an API key's permissions
 * are the ACLs of its principal.
 *
 * <p>Thread safety: immutable once authenticated.
 */
public final class ApiKeyAuthentication extends AbstractAuthenticationToken {

    private final ApiKey key;

    public ApiKeyAuthentication(ApiKey key) {
        super(List.of());
        this.key = key;
        setAuthenticated(true);
    }

    /** The key's id, never its secret. */
    @Override
    public Object getCredentials() {
        return key.id();
    }

    @Override
    public Object getPrincipal() {
        return key.principal();
    }

    @Override
    public String getName() {
        return key.principal();
    }

    public ApiKey key() {
        return key;
    }
}
