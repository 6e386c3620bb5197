package dev.backbone.server.config;

import dev.backbone.server.security.SecurityMode;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Authentication and authorization, under {@code backbone.security}. See {@code docs/SECURITY.md}.
 *
 * <p>Thread safety: bound once at start-up, then only read.
 */
@ConfigurationProperties("backbone.security")
public class SecurityProperties {

    /**
     * none: every request is let through (a warning is logged at start); enforce: every /v1 request needs an API key
     * or a JWT, and the ACLs decide what it may do.
     */
    private SecurityMode mode = SecurityMode.NONE;

    /** Principals that may do everything, whatever the ACLs say; the first admin comes from here. */
    private List<String> superUsers = new ArrayList<>();

    /** API keys from configuration (a Kubernetes Secret, for example), given by the SHA-256 of the key. */
    private List<BootstrapKey> apiKeys = new ArrayList<>();

    private final Jwt jwt = new Jwt();

    private final Audit audit = new Audit();

    public SecurityMode getMode() {
        return mode;
    }

    public void setMode(SecurityMode mode) {
        this.mode = mode;
    }

    public List<String> getSuperUsers() {
        return superUsers;
    }

    public void setSuperUsers(List<String> superUsers) {
        this.superUsers = superUsers;
    }

    public List<BootstrapKey> getApiKeys() {
        return apiKeys;
    }

    public void setApiKeys(List<BootstrapKey> apiKeys) {
        this.apiKeys = apiKeys;
    }

    public Jwt getJwt() {
        return jwt;
    }

    public Audit getAudit() {
        return audit;
    }

    /** One API key from configuration. */
    public static class BootstrapKey {

        /** The principal the key authenticates as. */
        private String principal;

        /** SHA-256 of the whole key (bb_...) as 64 hex digits: printf %s "$KEY" | sha256sum. */
        private String hash;

        /** When the key stops working, as an ISO-8601 instant (2027-01-01T00:00:00Z); never when unset. */
        private String expiresAt;

        public String getPrincipal() {
            return principal;
        }

        public void setPrincipal(String principal) {
            this.principal = principal;
        }

        public String getHash() {
            return hash;
        }

        public void setHash(String hash) {
            this.hash = hash;
        }

        public String getExpiresAt() {
            return expiresAt;
        }

        public void setExpiresAt(String expiresAt) {
            this.expiresAt = expiresAt;
        }
    }

    /** OAuth2 / OIDC JWTs, checked by Spring Security's resource server support. */
    public static class Jwt {

        /** The issuer: tokens must carry it as iss; without jwk-set-uri, its OIDC discovery document is read. */
        private URI issuerUri;

        /** Where the issuer's signing keys are published (JWK set); takes precedence over discovery. */
        private URI jwkSetUri;

        /** When set, tokens must name this audience in aud. */
        private String audience;

        /** The claim that names the principal. */
        private String principalClaim = "sub";

        /** The claim holding the token's scopes or roles (a space-separated string or a list); scope or scp when unset. */
        private String authoritiesClaim;

        /**
         * Per scope or role, the permissions it grants, each "operation:resource-type[:name]", the name a literal,
         * "*" or a prefix ending in "*": backbone.security.jwt.permissions[orders.read]=read:topic:orders-*.
         */
        private Map<String, List<String>> permissions = new LinkedHashMap<>();

        public URI getIssuerUri() {
            return issuerUri;
        }

        public void setIssuerUri(URI issuerUri) {
            this.issuerUri = issuerUri;
        }

        public URI getJwkSetUri() {
            return jwkSetUri;
        }

        public void setJwkSetUri(URI jwkSetUri) {
            this.jwkSetUri = jwkSetUri;
        }

        public String getAudience() {
            return audience;
        }

        public void setAudience(String audience) {
            this.audience = audience;
        }

        public String getPrincipalClaim() {
            return principalClaim;
        }

        public void setPrincipalClaim(String principalClaim) {
            this.principalClaim = principalClaim;
        }

        public String getAuthoritiesClaim() {
            return authoritiesClaim;
        }

        public void setAuthoritiesClaim(String authoritiesClaim) {
            this.authoritiesClaim = authoritiesClaim;
        }

        public Map<String, List<String>> getPermissions() {
            return permissions;
        }

        public void setPermissions(Map<String, List<String>> permissions) {
            this.permissions = permissions;
        }

        /** Whether JWTs are accepted at all. */
        boolean isConfigured() {
            return issuerUri != null || jwkSetUri != null;
        }
    }

    /** The security audit topic. */
    public static class Audit {

        /**
         * Refused requests waiting to be written to the audit topic; beyond this they are dropped and counted
         * (backbone.security.audit.dropped), so that a flood of refusals never slows the broker.
         */
        private int maxPendingRefusals = 10_000;

        public int getMaxPendingRefusals() {
            return maxPendingRefusals;
        }

        public void setMaxPendingRefusals(int maxPendingRefusals) {
            this.maxPendingRefusals = maxPendingRefusals;
        }
    }
}
