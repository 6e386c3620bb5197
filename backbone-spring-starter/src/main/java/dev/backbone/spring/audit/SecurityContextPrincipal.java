package dev.backbone.spring.audit;

import java.util.function.Supplier;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The name of the user authenticated in Spring Security's context of the calling thread. Only loaded when Spring
 * Security is on the class path. Stateless and thread-safe.
 */
public final class SecurityContextPrincipal implements Supplier<String> {

    @Override
    public String get() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !authentication.isAuthenticated()
                || authentication instanceof AnonymousAuthenticationToken) {
            return null;
        }
        return authentication.getName();
    }
}
