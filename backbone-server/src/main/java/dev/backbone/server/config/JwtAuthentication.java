package dev.backbone.server.config;

import java.util.ArrayList;
import java.util.List;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoders;
import org.springframework.security.oauth2.jwt.SupplierReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;

/**
 * Spring Security's JWT authentication, set up from {@code backbone.security.jwt}: keys from the JWK set URI (or the
 * issuer's discovery document, read on first use so that the broker starts while the issuer is away), the standard
 * checks (signature, {@code exp}, {@code nbf}, and {@code iss} when an issuer is set), an optional audience, the
 * principal from the configured claim and the scopes or roles as authorities without prefix.
 */
final class JwtAuthentication {

    private JwtAuthentication() {
    }

    /** The JWT authentication, or null when no issuer and no JWK set are configured. */
    static ReactiveAuthenticationManager manager(SecurityProperties.Jwt properties) {
        if (!properties.isConfigured()) {
            return null;
        }
        JwtReactiveAuthenticationManager manager = new JwtReactiveAuthenticationManager(decoder(properties));
        JwtGrantedAuthoritiesConverter authorities = new JwtGrantedAuthoritiesConverter();
        authorities.setAuthorityPrefix("");
        if (properties.getAuthoritiesClaim() != null) {
            authorities.setAuthoritiesClaimName(properties.getAuthoritiesClaim());
        }
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setPrincipalClaimName(properties.getPrincipalClaim());
        converter.setJwtGrantedAuthoritiesConverter(authorities);
        manager.setJwtAuthenticationConverter(new ReactiveJwtAuthenticationConverterAdapter(converter));
        return manager;
    }

    private static ReactiveJwtDecoder decoder(SecurityProperties.Jwt properties) {
        if (properties.getJwkSetUri() == null) {
            String issuer = properties.getIssuerUri().toString();
            return new SupplierReactiveJwtDecoder(() -> withValidators(
                    (NimbusReactiveJwtDecoder) ReactiveJwtDecoders.fromIssuerLocation(issuer), properties));
        }
        return withValidators(NimbusReactiveJwtDecoder.withJwkSetUri(properties.getJwkSetUri().toString()).build(),
                properties);
    }

    private static ReactiveJwtDecoder withValidators(NimbusReactiveJwtDecoder decoder,
                                                     SecurityProperties.Jwt properties) {
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(properties.getIssuerUri() == null ? JwtValidators.createDefault()
                : JwtValidators.createDefaultWithIssuer(properties.getIssuerUri().toString()));
        if (properties.getAudience() != null) {
            String audience = properties.getAudience();
            validators.add(new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
                    aud -> aud != null && aud.contains(audience)));
        }
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
        return decoder;
    }
}
